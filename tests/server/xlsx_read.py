#!/usr/bin/env python3
"""Reads a workbook the way a spreadsheet would and prints what is in it.

Usage: xlsx_read.py FILE.xlsx
Prints one JSON object: {"parts": [...zip names...], "sheet": name,
"rows": [[cell text, ...], ...], "bold_rows": [row numbers whose cells are
all bold], "widths": [column widths]}. Exits 1 (with the reason on stderr)
when the file is not a readable workbook: a bad ZIP, a CRC error, a
missing part, XML that does not parse, a relationship that points nowhere.
"""
import json
import sys
import zipfile
import xml.etree.ElementTree as ET

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def fail(why):
    print("xlsx_read: " + why, file=sys.stderr)
    sys.exit(1)


def main():
    try:
        z = zipfile.ZipFile(sys.argv[1])
        bad = z.testzip()
        if bad:
            fail("CRC error in " + bad)
        names = z.namelist()
        for need in ("[Content_Types].xml", "_rels/.rels"):
            if need not in names:
                fail("missing " + need)
        ct = ET.fromstring(z.read("[Content_Types].xml"))
        rels = ET.fromstring(z.read("_rels/.rels"))
        main_part = None
        for r in rels.iter(PR + "Relationship"):
            if r.get("Type").endswith("/officeDocument"):
                main_part = r.get("Target")
        if main_part not in names:
            fail("officeDocument relationship points nowhere")
        overrides = {o.get("PartName") for o in ct}
        if "/" + main_part not in overrides:
            fail("workbook has no content type")
        wb = ET.fromstring(z.read(main_part))
        sheet = wb.find(M + "sheets/" + M + "sheet")
        rid = sheet.get(R + "id")
        base = main_part.rsplit("/", 1)[0]
        wrels = ET.fromstring(z.read(base + "/_rels/" +
                                     main_part.rsplit("/", 1)[1] + ".rels"))
        target = None
        styles = None
        for r in wrels.iter(PR + "Relationship"):
            if r.get("Id") == rid:
                target = base + "/" + r.get("Target")
            if r.get("Type").endswith("/styles"):
                styles = base + "/" + r.get("Target")
        if target not in names:
            fail("sheet relationship points nowhere")
        bold_xf = set()
        if styles:
            st = ET.fromstring(z.read(styles))
            fonts = st.find(M + "fonts").findall(M + "font")
            for i, xf in enumerate(st.find(M + "cellXfs").findall(M + "xf")):
                f = fonts[int(xf.get("fontId", "0"))]
                if f.find(M + "b") is not None:
                    bold_xf.add(str(i))
        ws = ET.fromstring(z.read(target))
        rows, bold_rows = [], []
        for row in ws.iter(M + "row"):
            cells, all_bold = [], True
            for c in row.findall(M + "c"):
                col = ord(c.get("r")[0]) - ord("A")
                while len(cells) < col:
                    cells.append("")
                if c.get("t") != "inlineStr":
                    fail("a cell that is not an inline string")
                cells.append("".join(t.text or ""
                                     for t in c.iter(M + "t")))
                all_bold &= c.get("s") in bold_xf
            rows.append(cells)
            if cells and all_bold:
                bold_rows.append(int(row.get("r")))
        widths = [float(c.get("width"))
                  for c in ws.iter(M + "col")]
        print(json.dumps({"parts": names, "sheet": sheet.get("name"),
                          "rows": rows, "bold_rows": bold_rows,
                          "widths": widths}, ensure_ascii=False))
    except (zipfile.BadZipFile, ET.ParseError, KeyError, AttributeError,
            ValueError) as e:
        fail(type(e).__name__ + ": " + str(e))


main()
