/* fontindex: which face of a font file (a .ttc holds several) has a given
 * family name, read from the file's own tables (the TrueType collection
 * header and each face's 'name' table) with a few small reads, so finding
 * the Simplified Chinese face of a CJK collection does not cost FreeType
 * parsing the faces before it. */
#ifndef KIOSK_UI_FONTINDEX_H
#define KIOSK_UI_FONTINDEX_H

/* The index of the first face of path whose family (name ID 21, 16 or 1 —
 * the ones FreeType's family name comes from — in a Unicode, Windows
 * Unicode or Mac Roman record) is family (UTF-8, compared exactly). -1
 * when none has it or the file cannot be read or is not a font: the caller
 * then probes faces with FreeType, which remains the judge (the face opened
 * at this index is still checked). */
int font_face_index(const char *path, const char *family);

#endif
