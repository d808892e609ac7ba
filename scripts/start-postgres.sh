#!/usr/bin/env bash
# Start the local PostgreSQL cluster when it is installed but down (CI machines boot with it
# usually running; a stopped one is restarted). Silent and harmless when there is none.
set -u
command -v pg_ctlcluster >/dev/null 2>&1 || exit 0
if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then exit 0; fi
for version in $(ls /etc/postgresql 2>/dev/null); do
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
done
for _ in $(seq 1 20); do
  pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && exit 0
  sleep 0.5
done
echo "PostgreSQL is not reachable on 127.0.0.1:5432; its tests will be skipped" >&2
exit 0
