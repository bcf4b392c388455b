//! Writes a [`Layout`] as PDF with printpdf.
//!
//! Text goes in as glyph ids (`TextItem::GlyphIds`), one positioned glyph at a time;
//! printpdf merges glyphs on one baseline into a single `TJ` and subsets the fonts, keeping
//! only the glyphs used. Each glyph carries the text it stands for, from which printpdf
//! writes the ToUnicode map that text extraction and copy-paste read. A glyph id can map to
//! one text only, so the first text seen for a glyph is kept for all its uses.
//!
//! Marks (tick, cross, warning) are stroked paths.

use std::collections::HashMap;

use printpdf::{
    Codepoint, Color, DateTime, DictItem, FontId, Greyscale, Line as PdfLine, LinePoint, Op, PaintMode,
    ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem, TextMatrix,
};

use super::fonts::Face;
use super::sheet::{Mark, Sheet};
use super::table::{Draw, Layout, Span};
use crate::{Error, Result};

/// Builds the PDF bytes.
pub(crate) fn emit(sheet: &Sheet, layout: &Layout) -> Result<Vec<u8>> {
    let mut doc = PdfDocument::new(&sheet.header.title);
    let info = &mut doc.metadata.info;
    info.author = sheet.author.clone();
    info.creator = "Haven".into();
    info.producer = "Haven printing engine (printpdf)".into();
    info.subject = [sheet.header.centre.as_str(), sheet.header.site.as_str(), sheet.header.date.as_str()]
        .iter()
        .filter(|s| !s.trim().is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ");
    let stamp = DateTime::from_unix_timestamp(sheet.printed_at.and_utc().timestamp())
        .map_err(|e| Error::Internal(format!("The print date cannot be written in the PDF: {e}.")))?;
    info.creation_date = stamp;
    info.modification_date = stamp;
    info.metadata_date = stamp;

    let mut fonts = Fonts {
        ids: HashMap::new(),
        unicode: HashMap::new(),
        parsed: HashMap::new(),
        widths: HashMap::new(),
    };
    let mut pages = Vec::with_capacity(layout.pages.len());
    for page in &layout.pages {
        let ops = page_ops(&mut doc, &mut fonts, &page.draws)?;
        pages.push(PdfPage::new(
            printpdf::Mm(layout.width / super::metrics::MM),
            printpdf::Mm(layout.height / super::metrics::MM),
            ops,
        ));
    }
    doc.with_pages(pages);
    // printpdf compresses at zlib's best level, one stream after another; a sheet's content
    // streams are plain operators that the fast level packs nearly as well, so we compress
    // them ourselves, on every core.
    let options =
        PdfSaveOptions { optimize: false, subset_fonts: true, secure: true, image_optimization: None };
    let mut warnings = Vec::new();
    let mut lo = printpdf::serialize::to_lopdf_doc(&doc, &options, &mut warnings);
    compress_streams(&mut lo)?;
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes).map_err(|e| Error::Internal(format!("The PDF could not be written: {e}.")))?;
    if bytes.is_empty() {
        return Err(Error::Internal("The PDF could not be written.".into()));
    }
    Ok(bytes)
}

/// Flate-compresses every stream that has no filter yet, split over the machine's cores.
fn compress_streams(doc: &mut lopdf::Document) -> Result<()> {
    let mut streams: Vec<&mut lopdf::Stream> = doc
        .objects
        .values_mut()
        .filter_map(|o| match o {
            lopdf::Object::Stream(s) if s.allows_compression && s.dict.get(b"Filter").is_err() => Some(s),
            _ => None,
        })
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
    let chunk = streams.len().div_ceil(threads).max(1);
    let results: Vec<std::io::Result<()>> = std::thread::scope(|scope| {
        let handles: Vec<_> = streams
            .chunks_mut(chunk)
            .map(|part| {
                scope.spawn(move || {
                    for stream in part.iter_mut() {
                        compress(stream)?;
                    }
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(std::io::Error::other("a compression thread failed"))))
            .collect()
    });
    for r in results {
        r.map_err(|e| Error::Internal(format!("The PDF could not be compressed: {e}.")))?;
    }
    Ok(())
}

fn compress(stream: &mut lopdf::Stream) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(&stream.content)?;
    let packed = encoder.finish()?;
    if packed.len() + 19 < stream.content.len() {
        stream.dict.set("Filter", "FlateDecode");
        stream.set_content(packed);
    }
    Ok(())
}

/// The document's fonts, added on first use, and the text each glyph stands for.
struct Fonts {
    ids: HashMap<Face, FontId>,
    unicode: HashMap<(Face, u16), Box<str>>,
    /// Each face as printpdf reads it, to take glyph advances as it does.
    parsed: HashMap<Face, ParsedFont>,
    widths: HashMap<(Face, u16), f32>,
}

impl Fonts {
    fn id(&mut self, doc: &mut PdfDocument, face: Face) -> Result<FontId> {
        if let Some(id) = self.ids.get(&face) {
            return Ok(id.clone());
        }
        let parsed = ParsedFont::from_bytes(face.bytes(), 0, &mut Vec::new())
            .ok_or_else(|| Error::Internal(format!("The embedded font {face:?} could not be read.")))?;
        let id = doc.add_font(&parsed);
        self.ids.insert(face, id.clone());
        self.parsed.insert(face, parsed);
        Ok(id)
    }

    /// A glyph's advance in thousandths of an em, rounded down to a whole number exactly as
    /// printpdf does when it writes a run, so adjustments computed from it land every glyph
    /// where the shaper put it.
    fn width(&mut self, face: Face, gid: u16) -> f32 {
        let parsed = &self.parsed;
        *self.widths.entry((face, gid)).or_insert_with(|| {
            parsed.get(&face).map_or(0.0, |font| {
                let units = f32::from(font.pdf_font_metrics.units_per_em.max(1));
                font.get_or_decode_glyph(gid)
                    .map_or(0.0, |g| (f32::from(g.horz_advance) * 1000.0 / units) as i64 as f32)
            })
        })
    }

    /// The text a glyph maps to in the ToUnicode map: the first text seen for it.
    fn text(&mut self, face: Face, gid: u16, text: &str) -> String {
        self.unicode.entry((face, gid)).or_insert_with(|| text.into()).to_string()
    }
}

/// Opens a marked-content span whose text is `text` for search, copy and screen readers
/// (PDF 1.5 ActualText, as UTF-16BE with a byte-order mark), whatever its glyphs show.
fn actual_text(text: &str) -> Op {
    let mut data = vec![0xFE, 0xFF];
    data.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    let mut map = std::collections::BTreeMap::new();
    map.insert("ActualText".to_string(), DictItem::String { data, literal: false });
    Op::BeginMarkedContentWithProperties { tag: "Span".into(), properties: DictItem::Dict { map } }
}

fn grey(level: f32) -> Color {
    Color::Greyscale(Greyscale::new(level, None))
}

fn pt(p: f32) -> Pt {
    // Two decimals are far finer than print resolution and keep content streams short.
    Pt((p * 100.0).round() / 100.0)
}

fn point(x: f32, y: f32) -> LinePoint {
    LinePoint { p: Point { x: pt(x), y: pt(y) }, bezier: false }
}

fn rect(x: f32, y: f32, w: f32, h: f32, mode: PaintMode) -> Op {
    Op::DrawRectangle {
        rectangle: Rect {
            x: pt(x),
            y: pt(y),
            width: pt(w),
            height: pt(h),
            mode: Some(mode),
            winding_order: None,
        },
    }
}

fn polyline(points: &[(f32, f32)], closed: bool) -> Op {
    Op::DrawLine {
        line: PdfLine { points: points.iter().map(|(x, y)| point(*x, *y)).collect(), is_closed: closed },
    }
}

fn page_ops(doc: &mut PdfDocument, fonts: &mut Fonts, draws: &[Draw]) -> Result<Vec<Op>> {
    let mut ops = Vec::new();
    // Graphics first (fills under lines), then all text in one text object.
    let mut fill: Option<f32> = None;
    let mut stroke: Option<(f32, f32)> = None;
    let mut set_fill = |ops: &mut Vec<Op>, g: f32| {
        if fill != Some(g) {
            ops.push(Op::SetFillColor { col: grey(g) });
            fill = Some(g);
        }
    };
    let mut set_stroke = |ops: &mut Vec<Op>, g: f32, w: f32| {
        if stroke != Some((g, w)) {
            ops.push(Op::SetOutlineColor { col: grey(g) });
            ops.push(Op::SetOutlineThickness { pt: Pt(w) });
            stroke = Some((g, w));
        }
    };
    for d in draws {
        match d {
            Draw::Fill { x, y, w, h, grey } => {
                set_fill(&mut ops, *grey);
                ops.push(rect(*x, *y, *w, *h, PaintMode::Fill));
            }
            Draw::Box { x, y, w, h, width } => {
                set_stroke(&mut ops, 0.0, *width);
                ops.push(rect(*x, *y, *w, *h, PaintMode::Stroke));
            }
            Draw::Rule { x1, y1, x2, y2, width, grey } => {
                set_stroke(&mut ops, *grey, *width);
                ops.push(polyline(&[(*x1, *y1), (*x2, *y2)], false));
            }
            Draw::Mark { mark, x, y, size } => {
                let (x, y, s) = (*x, *y, *size);
                match mark {
                    Mark::Tick => {
                        set_stroke(&mut ops, 0.0, (s * 0.12).max(1.0));
                        ops.push(polyline(
                            &[
                                (x + 0.1 * s, y + 0.5 * s),
                                (x + 0.4 * s, y + 0.15 * s),
                                (x + 0.92 * s, y + 0.9 * s),
                            ],
                            false,
                        ));
                    }
                    Mark::Cross => {
                        set_stroke(&mut ops, 0.0, (s * 0.12).max(1.0));
                        ops.push(polyline(
                            &[(x + 0.15 * s, y + 0.15 * s), (x + 0.85 * s, y + 0.85 * s)],
                            false,
                        ));
                        ops.push(polyline(
                            &[(x + 0.15 * s, y + 0.85 * s), (x + 0.85 * s, y + 0.15 * s)],
                            false,
                        ));
                    }
                    Mark::Warning => {
                        set_stroke(&mut ops, 0.0, (s * 0.08).max(0.8));
                        ops.push(polyline(
                            &[(x, y + 0.05 * s), (x + s, y + 0.05 * s), (x + 0.5 * s, y + 0.95 * s)],
                            true,
                        ));
                        ops.push(polyline(&[(x + 0.5 * s, y + 0.38 * s), (x + 0.5 * s, y + 0.7 * s)], false));
                        set_fill(&mut ops, 0.0);
                        ops.push(rect(x + 0.45 * s, y + 0.2 * s, 0.1 * s, 0.1 * s, PaintMode::Fill));
                    }
                }
            }
            Draw::Text { .. } => {}
        }
    }

    ops.push(Op::SetFillColor { col: grey(0.0) });
    ops.push(Op::StartTextSection);
    let mut current: Option<(Face, f32)> = None;
    for d in draws {
        let Draw::Text { x, y, size, line, span } = d else { continue };
        if let Span::Begin { text, .. } = span {
            ops.push(actual_text(text));
        }
        // One positioned run per stretch of glyphs in one face on the baseline: the glyphs
        // after the first are placed by TJ adjustments from the font's own advances, which
        // keeps a page's operators (and the memory they take) to a few per line.
        let glyphs = &line.glyphs;
        let mut i = 0;
        while i < glyphs.len() {
            let first = &glyphs[i];
            if current != Some((first.face, *size)) {
                let id = fonts.id(doc, first.face)?;
                ops.push(Op::SetFont { font: PdfFontHandle::External(id), size: Pt(*size) });
                current = Some((first.face, *size));
            }
            let mut end = i + 1;
            if first.y == 0.0 {
                while end < glyphs.len() && glyphs[end].face == first.face && glyphs[end].y == 0.0 {
                    end += 1;
                }
            }
            ops.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(pt(x + first.x), pt(y + first.y)) });
            let mut run = Vec::with_capacity(end - i);
            for k in i..end {
                let g = &glyphs[k];
                let offset = match glyphs.get(k + 1).filter(|_| k + 1 < end) {
                    Some(next) => {
                        let advance = (next.x - g.x) * 1000.0 / size;
                        let adjust = fonts.width(g.face, g.gid) - advance;
                        // Two decimals of a thousandth of an em are far below print resolution.
                        let adjust = (adjust * 100.0).round() / 100.0;
                        if adjust.abs() < 0.05 {
                            0.0
                        } else {
                            adjust
                        }
                    }
                    None => 0.0,
                };
                run.push(Codepoint { gid: g.gid, offset, cid: Some(fonts.text(g.face, g.gid, &g.text)) });
            }
            ops.push(Op::ShowText { items: vec![TextItem::GlyphIds(run)] });
            i = end;
        }
        if matches!(span, Span::End | Span::Begin { end: true, .. }) {
            ops.push(Op::EndMarkedContentWithProperties);
        }
    }
    ops.push(Op::EndTextSection);
    Ok(ops)
}
