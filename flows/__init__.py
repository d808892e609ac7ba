"""Prefect 3 flows over the plain pipeline functions: check one submission, intake an inbox,
recheck an application, serve the deployments. The only package that imports Prefect."""
