"""Hostile workbooks, built small in the test (never committed): the three bomb shapes of issue 17."""

from __future__ import annotations

import zipfile
from pathlib import Path

_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_HEAD = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>单位名称</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>统一社会信用代码</t></is></c></row>'
)


def _sheet(rows: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:B2"/><sheetData>{_HEAD}{rows}</sheetData></worksheet>'
    )


def _xlsx(path: Path, rows: str, shared: tuple[int, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WB)
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", _sheet(rows))
        if shared is not None:
            megabytes, block = shared
            with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:  # streamed, 1 MB at a time
                fh.write(
                    b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                )
                fh.write(b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
                chunk = block * ((1 << 20) // len(block))
                for _ in range(megabytes):
                    fh.write(chunk)
                fh.write(b"</t></si></sst>")
    return path


def far_corner_xlsx(path: Path) -> Path:
    """About 2 KB: one value at XFD1048576 (calamine would ask for 2^34 cells)."""
    return _xlsx(path, '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')


def huge_shared_string_xlsx(path: Path, megabytes: int = 300) -> Path:
    """One shared string of ``megabytes`` MB, deflated to well under 1 MB, used by one cell."""
    return _xlsx(path, '<row r="2"><c r="A2" t="s"><v>0</v></c></row>', (megabytes, b"A"))


def shared_string_everywhere_xlsx(path: Path, rows: int = 20_000) -> Path:
    """A 100 KB shared string (under the one-cell limit) referred to by ``rows`` × 2 cells."""
    cells = "".join(
        f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c><c r="B{r}" t="s"><v>0</v></c></row>'
        for r in range(2, rows + 2)
    )
    return shared_string_beside(path, cells)


def shared_string_beside(path: Path, cells: str) -> Path:
    """A sheet of ``cells`` (XML rows) beside a 99 KB shared string (under the one-cell limit)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WB)
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", _sheet(cells))
        zf.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
            + "名" * 33_000
            + "</t></si></sst>",
        )
    return path


_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def repeated_columns_ods(path: Path, columns: int = 16_384, rows: int = 1_000_000) -> Path:
    """Under 1 KB: one text cell repeated ``columns`` times across, its row repeated ``rows`` times."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="名单">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>单位名称</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>统一社会信用代码</text:p></table:table-cell>'
        "</table:table-row>"
        f'<table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell table:number-columns-repeated="{columns}" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        zf.writestr("content.xml", content)
    return path


def _ods(path: Path, rows_xml: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="名单">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>单位名称</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>统一社会信用代码</text:p></table:table-cell>'
        f"</table:table-row>{rows_xml}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        zf.writestr("content.xml", content)
    return path


def repeated_spaces_ods(path: Path, spaces: int = 1_500_000_000) -> Path:
    """Under 1 KB: one cell whose text holds ``<text:s text:c="1500000000"/>`` (1.5 billion spaces)."""
    return _ods(
        path,
        '<table:table-row><table:table-cell office:value-type="string">'
        f'<text:p>a<text:s text:c="{spaces}"/>b</text:p></table:table-cell></table:table-row>',
    )


def repeated_long_text_ods(path: Path) -> Path:
    """A 30,000-character cell repeated 500 columns across in 2,000 rows (30 GB once expanded)."""
    return _ods(
        path,
        '<table:table-row table:number-rows-repeated="2000">'
        '<table:table-cell table:number-columns-repeated="500" office:value-type="string">'
        f"<text:p>{'长' * 30_000}</text:p></table:table-cell></table:table-row>",
    )


# --- .xls: the committed BIFF8 roster, re-packed in a compound file built here ---------------

FIXTURE_XLS = Path(__file__).resolve().parent / "fixtures" / "units_wps.xls"


def xls_workbook_stream() -> bytes:
    from kjdesk.io.xls_limits import _workbook_stream

    return _workbook_stream(FIXTURE_XLS.read_bytes())


def far_corner_stream(stream: bytes) -> bytes:
    """The first LABELSST cell moved to IV65536 (the last cell an .xls can hold)."""
    import struct

    data = bytearray(stream)
    pos = 0
    while pos + 4 <= len(data):
        rtype, rlen = struct.unpack_from("<HH", data, pos)
        if rtype == 0x00FD:
            struct.pack_into("<HH", data, pos + 4, 0xFFFF, 0x00FF)
            return bytes(data)
        pos += 4 + rlen
    raise AssertionError("no LABELSST record")


def compound_file(path: Path, stream: bytes, pad_to: int = 6000) -> Path:
    """A minimal OLE compound file (512-byte sectors) holding ``stream`` as “Workbook”, padded with
    empty records after its last EOF so that it lives in regular sectors, not the mini stream."""
    import struct

    while len(stream) < pad_to:
        stream += struct.pack("<HH", 0x0000, 96) + b"\0" * 96
    sectors = -(-len(stream) // 512)
    assert sectors + 2 <= 128
    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    fat = [0xFFFFFFFD, end] + [3 + i for i in range(sectors - 1)] + [end]
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, child: int = free) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", free, free, child)
            + b"\0" * 16
            + b"\0" * 4
            + b"\0" * 16
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, end, 0, child=1) + entry("Workbook", 2, 2, len(stream))
    directory = directory.ljust(512, b"\0")
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, *([free] * 108))
    )
    assert len(header) == 512
    body = struct.pack("<128I", *fat) + directory + stream.ljust(sectors * 512, b"\0")
    path.write_bytes(header + body)
    return path
