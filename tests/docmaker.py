"""Small, explicit documents for the foundation tests (the realistic corpus is fixtures/)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
WQY = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def text_pdf(path: Path, pages: list[list[str]], *, user_password: str | None = None,
             owner_password: str | None = None) -> Path:
    """A born-digital PDF with a real CJK text layer, one list of lines per page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "wqy" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("wqy", WQY, subfontIndex=0))
    encrypt = None
    if user_password is not None or owner_password is not None:
        from reportlab.lib.pdfencrypt import StandardEncryption

        encrypt = StandardEncryption(user_password or "", ownerPassword=owner_password or "owner")
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1, encrypt=encrypt)
    for lines in pages:
        y = 780
        for i, line in enumerate(lines):
            c.setFont("wqy", 20 if i == 0 else 12)
            if i == 0:
                c.drawCentredString(A4[0] / 2, y, line)
            else:
                c.drawString(72, y, line)
            y -= 34 if i == 0 else 24
        c.showPage()
    c.save()
    return path


def page_image(lines: list[str], *, size=(2480, 3508), font_size=56) -> Image.Image:
    """An A4 page at 300 dpi with a centred title and body lines."""
    im = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(im)
    title_font = ImageFont.truetype(SERIF, font_size + 30)
    body_font = ImageFont.truetype(SERIF, font_size)
    y = 320
    for i, line in enumerate(lines):
        font = title_font if i == 0 else body_font
        width = draw.textlength(line, font=font)
        x = (size[0] - width) / 2 if i == 0 else 260
        draw.text((x, y), line, font=font, fill="black")
        y += int((font_size + 30) * 1.9) if i == 0 else int(font_size * 2.1)
    return im


LICENSE = ["营业执照", "统一社会信用代码  91310117MA1FL3KX26", "名　　称  上海松江智算科技有限公司",
           "类　　型  有限责任公司(自然人投资或控股)", "住　　所  上海市松江区九亭镇沪亭北路218号",
           "法定代表人  张伟", "注册资本  人民币伍佰万元整", "成立日期  2019年05月20日",
           "营业期限  2019年05月20日至2049年05月19日", "登记机关  上海市松江区市场监督管理局"]

CREDIT = ["企业信用信息报告", "信用中国", "主体名称：上海松江智算科技有限公司",
          "统一社会信用代码：91310117MA1FL3KX26", "报告生成日期：2026年06月20日",
          "一、行政处罚信息", "暂无", "二、严重失信主体名单", "暂无", "三、经营异常名录", "暂无"]
