//! Writes a [`Layout`] as PDF: printpdf builds the document, embeds and subsets the fonts
//! and writes their ToUnicode maps; the pages' content streams are written here, directly.
//!
//! Why both: printpdf turns every positioned glyph into an operation object, then into a
//! lopdf operator, then into bytes, which made a 2,000-row sheet spend most of its time in
//! allocation. A sheet's content is a few simple operators (grey fills, rules, one text
//! object of glyph runs), so the bytes are written straight from the layout, and printpdf
//! is given each used glyph once (on a stand-in first page whose stream is then replaced)
//! so that it subsets the fonts and maps every glyph to its text as before.
//!
//! Glyph numbering: printpdf's subsetter gives glyph 0 (.notdef) the new id 0 and every other
//! used glyph, in ascending order of its original id, the next id (`subset_font` in printpdf's
//! `font.rs`); [`GlyphMap`] computes the same numbers. The text read-back tests fail if that
//! ever stops holding.
//!
//! Text goes in as glyph ids; each glyph carries the text it stands for, from which printpdf
//! writes the ToUnicode map that text extraction and copy-paste read. A glyph id can map to
//! one text only, so the first text seen for a glyph is kept for all its uses. Marks (tick,
//! cross, warning) are stroked paths.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rustc_hash::FxHashMap;

use printpdf::{
    Codepoint, DateTime, FontId, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Pt,
    TextItem,
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
    let stamp = DateTime::from_unix_timestamp(sheet.printed_at.and_utc().timestamp()).map_err(|e| {
        Error::new(crate::Code::PrintDateNotWritten, serde_json::json!({"detail": e.to_string()}))
    })?;
    info.creation_date = stamp;
    info.modification_date = stamp;
    info.metadata_date = stamp;

    let used = used_glyphs(layout);
    let mut fonts = Fonts::add(&mut doc, &used)?;

    // printpdf sees every used glyph once, with its text, on the first page; every page's
    // stream is replaced below.
    let mut first_ops = Vec::new();
    for (face, glyphs) in &used {
        let id = fonts.id(*face)?;
        first_ops.push(Op::SetFont { font: PdfFontHandle::External(id), size: Pt(10.0) });
        let run = glyphs
            .iter()
            .map(|(gid, text)| Codepoint { gid: *gid, offset: 0.0, cid: Some(text.to_string()) })
            .collect();
        first_ops.push(Op::ShowText { items: vec![TextItem::GlyphIds(run)] });
    }
    let (w, h) =
        (printpdf::Mm(layout.width / super::metrics::MM), printpdf::Mm(layout.height / super::metrics::MM));
    let mut pages = Vec::with_capacity(layout.pages.len());
    for i in 0..layout.pages.len() {
        let ops = if i == 0 { std::mem::take(&mut first_ops) } else { Vec::new() };
        pages.push(PdfPage::new(w, h, ops));
    }
    doc.with_pages(pages);

    let options =
        PdfSaveOptions { optimize: false, subset_fonts: true, secure: true, image_optimization: None };
    let mut warnings = Vec::new();
    let mut lo = printpdf::serialize::to_lopdf_doc(&doc, &options, &mut warnings);

    let page_ids: Vec<lopdf::ObjectId> = lo.get_pages().into_values().collect();
    if page_ids.len() != layout.pages.len() {
        return Err(Error::new(crate::Code::PrintPagesMismatch, serde_json::json!({})));
    }
    for (page, id) in layout.pages.iter().zip(page_ids) {
        let content = page_content(&mut fonts, &page.draws)?;
        let stream_id = lo
            .get_object(id)
            .and_then(lopdf::Object::as_dict)
            .and_then(|d| d.get(b"Contents"))
            .and_then(lopdf::Object::as_reference)
            .map_err(|e| {
                Error::new(crate::Code::PrintPageNoContent, serde_json::json!({"detail": e.to_string()}))
            })?;
        let stream = lo.get_object_mut(stream_id).and_then(lopdf::Object::as_stream_mut).map_err(|e| {
            Error::new(crate::Code::PrintPageNoContent, serde_json::json!({"detail": e.to_string()}))
        })?;
        stream.dict.remove(b"Filter");
        stream.set_content(content);
    }
    // printpdf compresses at zlib's best level, one stream after another; a sheet's content
    // streams are plain operators that the fast level packs nearly as well, so we compress
    // them ourselves, on every core.
    compress_streams(&mut lo)?;
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes).map_err(|e| {
        Error::new(crate::Code::PrintPdfNotWritten, serde_json::json!({"detail": e.to_string()}))
    })?;
    if bytes.is_empty() {
        return Err(Error::new(crate::Code::PrintPdfNotWrittenPlain, serde_json::json!({})));
    }
    Ok(bytes)
}

/// Every glyph the layout draws, by face, with the text it stands for (the first text seen).
fn used_glyphs(layout: &Layout) -> BTreeMap<Face, BTreeMap<u16, Box<str>>> {
    // Gathered in a hash map (a sheet draws a few hundred thousand glyphs, a few hundred of
    // them distinct), then sorted.
    let mut seen: FxHashMap<(Face, u16), Box<str>> = FxHashMap::default();
    for page in &layout.pages {
        for d in &page.draws {
            if let Draw::Text { line, .. } = d {
                for g in line.glyphs.iter() {
                    seen.entry((g.face, g.gid)).or_insert_with(|| (*g.text).into());
                }
            }
        }
    }
    let mut used: BTreeMap<Face, BTreeMap<u16, Box<str>>> = BTreeMap::new();
    for ((face, gid), text) in seen {
        used.entry(face).or_default().insert(gid, text);
    }
    used
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
        r.map_err(|e| {
            Error::new(crate::Code::PrintPdfNotCompressed, serde_json::json!({"detail": e.to_string()}))
        })?;
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

/// The document's fonts: printpdf's id for each face, the new glyph numbers after
/// subsetting, and each glyph's advance as printpdf writes it in the font's widths.
struct Fonts {
    ids: FxHashMap<Face, FontId>,
    /// Each face as printpdf reads it, to take glyph advances as it does.
    parsed: FxHashMap<Face, ParsedFont>,
    /// Used glyphs in ascending order of their original id, by face: the new id of a glyph
    /// is its position here plus one (0 stays .notdef).
    order: FxHashMap<Face, Vec<u16>>,
    widths: FxHashMap<(Face, u16), f32>,
}

impl Fonts {
    /// Adds every face the layout uses to the document.
    fn add(doc: &mut PdfDocument, used: &BTreeMap<Face, BTreeMap<u16, Box<str>>>) -> Result<Fonts> {
        let mut fonts = Fonts {
            ids: FxHashMap::default(),
            parsed: FxHashMap::default(),
            order: FxHashMap::default(),
            widths: FxHashMap::default(),
        };
        for (face, glyphs) in used {
            let parsed = ParsedFont::from_bytes(face.bytes(), 0, &mut Vec::new()).ok_or_else(|| {
                Error::new(crate::Code::PrintFontNotRead, serde_json::json!({"face": format!("{face:?}")}))
            })?;
            let id = doc.add_font(&parsed);
            fonts.ids.insert(*face, id);
            fonts.parsed.insert(*face, parsed);
            fonts.order.insert(*face, glyphs.keys().copied().filter(|g| *g != 0).collect());
        }
        Ok(fonts)
    }

    fn id(&self, face: Face) -> Result<FontId> {
        self.ids.get(&face).cloned().ok_or_else(|| {
            Error::new(crate::Code::PrintFontMissing, serde_json::json!({"face": format!("{face:?}")}))
        })
    }

    /// The glyph's id in the subset font (see the module's notes).
    fn new_gid(&self, face: Face, gid: u16) -> u16 {
        if gid == 0 {
            return 0;
        }
        self.order
            .get(&face)
            .and_then(|order| order.binary_search(&gid).ok())
            .and_then(|i| u16::try_from(i + 1).ok())
            .unwrap_or(0)
    }

    /// A glyph's advance in thousandths of an em, rounded down to a whole number exactly as
    /// printpdf does when it writes the font's widths, so adjustments computed from it land
    /// every glyph where the shaper put it.
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
}

/// A page's content stream, written as PDF operators.
struct Content {
    out: String,
    fill: Option<f32>,
    stroke: Option<(f32, f32)>,
}

impl Content {
    /// Writes a number with at most two decimals, far finer than print resolution.
    fn num(&mut self, v: f32) {
        let hundredths = (f64::from(v) * 100.0).round() as i64;
        if hundredths < 0 {
            self.out.push('-');
        }
        let a = hundredths.unsigned_abs();
        let (whole, frac) = (a / 100, a % 100);
        let _ = write!(self.out, "{whole}");
        if frac != 0 {
            if frac % 10 == 0 {
                let _ = write!(self.out, ".{}", frac / 10);
            } else {
                let _ = write!(self.out, ".{frac:02}");
            }
        }
        self.out.push(' ');
    }

    /// Writes a glyph id as a 4-digit hex string, `<00A3>` (by hand: a sheet has a few
    /// hundred thousand of them).
    fn glyph_id(&mut self, gid: u16) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        self.out.push('<');
        for shift in [12, 8, 4, 0] {
            self.out.push(char::from(HEX[usize::from((gid >> shift) & 0xF)]));
        }
        self.out.push('>');
    }

    fn op(&mut self, op: &str) {
        self.out.push_str(op);
        self.out.push('\n');
    }

    fn fill_grey(&mut self, g: f32) {
        if self.fill != Some(g) {
            self.num(g);
            self.op("g");
            self.fill = Some(g);
        }
    }

    fn stroke(&mut self, g: f32, w: f32) {
        if self.stroke != Some((g, w)) {
            self.num(g);
            self.op("G");
            self.num(w);
            self.op("w");
            self.stroke = Some((g, w));
        }
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, paint: &str) {
        for v in [x, y, w, h] {
            self.num(v);
        }
        self.op("re");
        self.op(paint);
    }

    fn polyline(&mut self, points: &[(f32, f32)], closed: bool) {
        for (i, (x, y)) in points.iter().enumerate() {
            self.num(*x);
            self.num(*y);
            self.op(if i == 0 { "m" } else { "l" });
        }
        if closed {
            self.op("h");
        }
        self.op("S");
    }

    /// Opens a marked-content span whose text is `text` for search, copy and screen readers
    /// (PDF 1.5 ActualText, as UTF-16BE with a byte-order mark), whatever its glyphs show.
    fn actual_text(&mut self, text: &str) {
        self.out.push_str("/Span <</ActualText <FEFF");
        for unit in text.encode_utf16() {
            let _ = write!(self.out, "{unit:04X}");
        }
        self.out.push_str(">>> BDC\n");
    }
}

fn page_content(fonts: &mut Fonts, draws: &[Draw]) -> Result<Vec<u8>> {
    let mut c = Content { out: String::with_capacity(64 * 1024), fill: None, stroke: None };
    // Graphics first (fills under lines), then all text in one text object.
    for d in draws {
        match d {
            Draw::Fill { x, y, w, h, grey } => {
                c.fill_grey(*grey);
                c.rect(*x, *y, *w, *h, "f");
            }
            Draw::Box { x, y, w, h, width } => {
                c.stroke(0.0, *width);
                c.rect(*x, *y, *w, *h, "S");
            }
            Draw::Rule { x1, y1, x2, y2, width, grey } => {
                c.stroke(*grey, *width);
                c.polyline(&[(*x1, *y1), (*x2, *y2)], false);
            }
            Draw::Mark { mark, x, y, size } => {
                let (x, y, s) = (*x, *y, *size);
                match mark {
                    Mark::Tick => {
                        c.stroke(0.0, (s * 0.12).max(1.0));
                        c.polyline(
                            &[
                                (x + 0.1 * s, y + 0.5 * s),
                                (x + 0.4 * s, y + 0.15 * s),
                                (x + 0.92 * s, y + 0.9 * s),
                            ],
                            false,
                        );
                    }
                    Mark::Cross => {
                        c.stroke(0.0, (s * 0.12).max(1.0));
                        c.polyline(&[(x + 0.15 * s, y + 0.15 * s), (x + 0.85 * s, y + 0.85 * s)], false);
                        c.polyline(&[(x + 0.15 * s, y + 0.85 * s), (x + 0.85 * s, y + 0.15 * s)], false);
                    }
                    Mark::Warning => {
                        c.stroke(0.0, (s * 0.08).max(0.8));
                        c.polyline(
                            &[(x, y + 0.05 * s), (x + s, y + 0.05 * s), (x + 0.5 * s, y + 0.95 * s)],
                            true,
                        );
                        c.polyline(&[(x + 0.5 * s, y + 0.38 * s), (x + 0.5 * s, y + 0.7 * s)], false);
                        c.fill_grey(0.0);
                        c.rect(x + 0.45 * s, y + 0.2 * s, 0.1 * s, 0.1 * s, "f");
                    }
                }
            }
            Draw::Text { .. } => {}
        }
    }

    c.fill_grey(0.0);
    c.op("BT");
    let mut current: Option<(Face, f32)> = None;
    for d in draws {
        let Draw::Text { x, y, size, line, span } = d else { continue };
        if let Span::Begin { text, .. } = span {
            c.actual_text(text);
        }
        // One positioned run per stretch of glyphs in one face on the baseline: the glyphs
        // after the first are placed by TJ adjustments from the font's own advances, which
        // keeps a page's operators to a few per line.
        let glyphs = &line.glyphs;
        let mut i = 0;
        while i < glyphs.len() {
            let first = &glyphs[i];
            if current != Some((first.face, *size)) {
                let id = fonts.id(first.face)?;
                let _ = write!(c.out, "/{} ", id.0);
                c.num(*size);
                c.op("Tf");
                current = Some((first.face, *size));
            }
            let mut end = i + 1;
            if first.y == 0.0 {
                while end < glyphs.len() && glyphs[end].face == first.face && glyphs[end].y == 0.0 {
                    end += 1;
                }
            }
            c.out.push_str("1 0 0 1 ");
            c.num(x + first.x);
            c.num(y + first.y);
            c.op("Tm");
            c.out.push('[');
            for k in i..end {
                let g = &glyphs[k];
                c.glyph_id(fonts.new_gid(g.face, g.gid));
                if let Some(next) = glyphs.get(k + 1).filter(|_| k + 1 < end) {
                    let advance = (next.x - g.x) * 1000.0 / size;
                    let adjust = fonts.width(g.face, g.gid) - advance;
                    // Two decimals of a thousandth of an em are far below print resolution.
                    if adjust.abs() >= 0.05 {
                        c.out.push(' ');
                        c.num(adjust);
                    }
                }
            }
            c.op("] TJ");
            i = end;
        }
        if matches!(span, Span::End | Span::Begin { end: true, .. }) {
            c.op("EMC");
        }
    }
    c.op("ET");
    Ok(c.out.into_bytes())
}
