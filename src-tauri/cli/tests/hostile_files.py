#!/usr/bin/env python3
"""Makes the hostile spreadsheets of issue 13 (item 4), to measure `haven-cli import people
--dry-run` on them with `/usr/bin/time -v` (peak memory: "Maximum resident set size").

    python3 src-tauri/cli/tests/hostile_files.py OUT_DIR

writes, in OUT_DIR:
  big-cell.xlsx   about 1 MB: one shared string of 1 GiB (the "Notes" of the first person)
  many-rows.xlsx  5,000,000 rows of one cell each
  big-cell.csv    1 GiB: one cell of 1 GiB
  many-rows.csv   5,000,000 rows

Each part is streamed into the zip, so making them needs little memory. The core's own tests
(`core/tests/import.rs`) build smaller files of the same shapes; these are the full-size ones.
"""
import os
import sys
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CHUNK = 1 << 20


def skeleton(z):
    z.writestr(
        "[Content_Types].xml",
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/></Types>',
    )
    z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr(
        "xl/_rels/workbook.xml.rels",
        f'<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )


def big_cell_xlsx(path, size=1 << 30):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        skeleton(z)
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0"?><sst xmlns="{MAIN}"><si><t>Given name</t></si><si><t>Notes</t></si><si><t>Amal</t></si><si><t>'.encode())
            block = b"x" * CHUNK
            for _ in range(size // CHUNK):
                f.write(block)
            f.write(b"</t></si></sst>")
        z.writestr(
            "xl/worksheets/sheet1.xml",
            f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
            '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'
            "</sheetData></worksheet>",
        )


def many_rows_xlsx(path, rows=5_000_000):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        skeleton(z)
        z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst xmlns="{MAIN}"><si><t>Given name</t></si><si><t>Amal</t></si></sst>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'.encode())
            batch = []
            for r in range(2, rows + 2):
                batch.append(f'<row r="{r}"><c r="A{r}" t="s"><v>1</v></c></row>')
                if len(batch) == 10_000:
                    f.write("".join(batch).encode())
                    batch = []
            f.write(("".join(batch) + "</sheetData></worksheet>").encode())


def big_cell_csv(path, size=1 << 30):
    with open(path, "wb") as f:
        f.write(b"Given name,Notes\nAmal,")
        block = b"x" * CHUNK
        for _ in range(size // CHUNK):
            f.write(block)
        f.write(b"\n")


def many_rows_csv(path, rows=5_000_000):
    with open(path, "w") as f:
        f.write("Given name\n")
        for start in range(0, rows, 100_000):
            f.write("".join(f"P{i}\n" for i in range(start, min(rows, start + 100_000))))


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    big_cell_xlsx(os.path.join(out, "big-cell.xlsx"))
    many_rows_xlsx(os.path.join(out, "many-rows.xlsx"))
    big_cell_csv(os.path.join(out, "big-cell.csv"))
    many_rows_csv(os.path.join(out, "many-rows.csv"))
    for name in sorted(os.listdir(out)):
        print(f"{name}: {os.path.getsize(os.path.join(out, name)):,} bytes")
