//! Text: bidi, font fallback, shaping, measuring, truncation and wrapping.
//!
//! A cell's text is laid out one line at a time:
//!
//! 1. **Bidi** (`unicode-bidi`): the paragraph direction comes from the first strong
//!    character of the whole cell (so "فاطمة أحمد (CAL-0042)" is a right-to-left line with
//!    the code on its left), and the line is cut into level runs in visual order.
//! 2. **Fallback**: inside a run, each character is given a face by its script (neutral
//!    characters such as spaces, digits and brackets take the script of the letters before
//!    them; combining marks stay with their base). A character no embedded face covers is
//!    drawn as U+FFFD "�" and reported, so the sheet is clearly marked rather than silently
//!    wrong.
//! 3. **Shaping** (`rustybuzz`) of each same-face piece gives glyph ids and positions: Arabic
//!    letters joined, marks placed, Ge'ez syllables, kerning. A piece is shaped word by word
//!    (each word with the spaces after it, in the piece's script and direction), and each
//!    distinct word once per document: no font here shapes across a space, so the glyphs land
//!    exactly where shaping the piece whole puts them (a test checks this on every script).
//!
//! Text with no right-to-left character skips the bidi algorithm (it is one left-to-right
//! run), and ASCII characters get their script and font coverage without table look-ups:
//! most of a sheet is Latin names, numbers and codes.
//!
//! Every glyph keeps the text of its cluster in logical order; the PDF's ToUnicode map is
//! built from it, so copying a name out of the PDF gives the name as typed.
//!
//! Widths are measured from the shaped advances, so fitting is exact: a line is either
//! shorter than its box, or truncated at a character boundary with an ellipsis; wrapping
//! breaks at spaces (or inside a word too long for a line) and stops at a set number of
//! lines, the last one truncated.

use std::ops::{Deref, Range};
use std::rc::Rc;

use rustc_hash::FxHashMap;

use unicode_bidi::{Level, ParagraphBidiInfo};
use unicode_script::Script;

use super::fonts::{clings, is_neutral, script_of, Face, Faces, Weight};
use crate::Result;

/// The ellipsis that marks truncated text.
pub(crate) const ELLIPSIS: &str = "…";

/// Drawn in place of a character that no embedded font covers.
pub(crate) const REPLACEMENT: char = '\u{FFFD}';

/// Size and weight of a piece of text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TextStyle {
    /// Font size in points.
    pub size: f32,
    /// Regular or bold.
    pub weight: Weight,
}

/// One glyph, positioned relative to the start (left end) of its line's baseline.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlacedGlyph {
    /// The face the glyph id belongs to.
    pub face: Face,
    /// Glyph id in `face`.
    pub gid: u16,
    /// Horizontal position in points from the line's left end.
    pub x: f32,
    /// Vertical offset in points from the baseline (mark positioning).
    pub y: f32,
    /// The source text this glyph stands for (empty for the second and later glyphs of one
    /// cluster). In right-to-left runs it is in visual order, see [`visual_text`].
    pub text: GlyphText,
}

/// Bytes of a glyph's text kept in the glyph itself.
const INLINE: usize = 14;

/// The text of one glyph: held in the glyph when short (a cluster is nearly always one or
/// two characters), so that a shaped line makes one allocation for all its glyphs rather
/// than one per glyph, and copying a line copies no strings.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum GlyphText {
    /// Up to [`INLINE`] bytes of UTF-8.
    Inline { len: u8, bytes: [u8; INLINE] },
    /// Longer text.
    Shared(Rc<str>),
}

impl GlyphText {
    fn new(text: &str) -> GlyphText {
        if text.len() > INLINE {
            return GlyphText::Shared(Rc::from(text));
        }
        let mut bytes = [0u8; INLINE];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        // `text.len() <= INLINE`, which fits a `u8`.
        GlyphText::Inline { len: text.len() as u8, bytes }
    }
}

impl Deref for GlyphText {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            // Always whole UTF-8: copied from a `&str` in `new`.
            GlyphText::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..*len as usize]).unwrap_or_default()
            }
            GlyphText::Shared(text) => text,
        }
    }
}

impl std::fmt::Debug for GlyphText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

/// A shaped line, in visual order. Cloning it (lines come out of the shaper's cache) copies
/// no glyphs: they are shared.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Line {
    /// Glyphs from left to right.
    pub glyphs: Rc<[PlacedGlyph]>,
    /// Advance width in points.
    pub width: f32,
    /// Whether the paragraph runs right to left (such lines align right).
    pub rtl: bool,
    /// Characters no embedded font covers (drawn as U+FFFD).
    pub missing: Vec<char>,
    /// Whether text was cut off (an ellipsis ends the line).
    pub truncated: bool,
    /// The text shown, in logical order (with the ellipsis when truncated).
    pub text: String,
}

/// A text style and forced direction as a cache key: size (bits), bold, direction.
type StyleKey = (u32, bool, Option<bool>);

/// How a piece is shaped: face, right to left, script.
type ShapeKey = (Face, bool, Option<rustybuzz::Script>);

/// Lays out text with the embedded fonts. Keeps a cache of single-line layouts for the
/// life of one document: names and codes repeat across a sheet.
pub(crate) struct Shaper {
    faces: &'static Faces,
    /// Lines by style and direction, then by text (looked up by `&str`, with no copy).
    /// (A fast hash: the keys are our own cells' text, and lookups are a large part of laying
    /// out a long sheet.)
    cache: FxHashMap<StyleKey, FxHashMap<Box<str>, Line>>,
    /// Shaping plans by face, direction and script: building one reads the font's layout
    /// tables, which costs far more than shaping a name with it.
    plans: FxHashMap<ShapeKey, rustybuzz::ShapePlan>,
    /// Shaped words by face, direction and script: a sheet's names share their words, and
    /// wrapping a cell shapes parts of it again, so each distinct word is shaped once.
    words: FxHashMap<ShapeKey, FxHashMap<Box<str>, Vec<WordGlyph>>>,
    /// The shaping script of a piece by its first character of a script of its own.
    scripts: FxHashMap<char, Option<rustybuzz::Script>>,
    /// Whether pieces are shaped word by word (always, but for the test that checks this
    /// gives the same glyphs as shaping them whole).
    split_words: bool,
}

/// A glyph of a shaped word, in font units.
#[derive(Debug, Clone)]
struct WordGlyph {
    gid: u16,
    x_offset: i32,
    y_offset: i32,
    x_advance: i32,
    /// As [`PlacedGlyph::text`].
    text: GlyphText,
}

/// The script rustybuzz gives a buffer holding `text` (`None` when it finds none).
fn guessed_script(text: &str) -> Option<rustybuzz::Script> {
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    Some(buffer.script()).filter(|s| *s != rustybuzz::script::UNKNOWN)
}

/// A piece of text cut into words for shaping, each with the spaces after it (leading spaces
/// are a word of their own). Nothing the fonts here do reaches across a space (no kerning
/// with it, no joining through it), so each word shapes as it does inside the piece; a
/// mark after a space stays with that space.
fn words_of(piece: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    let mut after_space = false;
    for (i, c) in piece.char_indices() {
        if c == ' ' {
            after_space = true;
        } else if after_space && !clings(c) {
            words.push(&piece[start..i]);
            start = i;
            after_space = false;
        } else {
            after_space = false;
        }
    }
    if start < piece.len() {
        words.push(&piece[start..]);
    }
    words
}

impl Shaper {
    /// A shaper over the embedded fonts.
    pub(crate) fn new() -> Result<Shaper> {
        Ok(Shaper {
            faces: Faces::get()?,
            cache: FxHashMap::default(),
            plans: FxHashMap::default(),
            words: FxHashMap::default(),
            scripts: FxHashMap::default(),
            split_words: true,
        })
    }

    /// The direction of `text` as a paragraph: right to left when its first strong character
    /// is (Arabic, Hebrew ...).
    pub(crate) fn is_rtl(text: &str) -> bool {
        // P2/P3 of the bidi algorithm look only at the first strong character; bounding the
        // text keeps this cheap for a pathological 10,000-character cell.
        if all_left_to_right(text) {
            return false;
        }
        let end = text.char_indices().nth(256).map_or(text.len(), |(i, _)| i);
        ParagraphBidiInfo::new(&text[..end], None).paragraph_level.is_rtl()
    }

    /// Shapes one line without fitting it. `rtl` forces the paragraph direction (`None`: from
    /// the text). Control characters (tabs, line breaks) are shown as spaces.
    pub(crate) fn shape(&mut self, text: &str, style: TextStyle, rtl: Option<bool>) -> Line {
        self.cached(text, style, rtl).clone()
    }

    /// The advance width of `text` on one line, as [`Shaper::shape`] measures it.
    pub(crate) fn width(&mut self, text: &str, style: TextStyle, rtl: Option<bool>) -> f32 {
        self.cached(text, style, rtl).width
    }

    fn cached(&mut self, text: &str, style: TextStyle, rtl: Option<bool>) -> &Line {
        let key = (style.size.to_bits(), style.weight == Weight::Bold, rtl);
        let known = self.cache.get(&key).is_some_and(|m| m.contains_key(text));
        if !known {
            let line = self.shape_uncached(text, style, rtl);
            self.cache.entry(key).or_default().insert(text.into(), line);
        }
        // Just inserted if it was not there.
        &self.cache[&key][text]
    }

    fn shape_uncached(&mut self, text: &str, style: TextStyle, rtl: Option<bool>) -> Line {
        let cleaned;
        let text = if text.chars().any(char::is_control) {
            cleaned = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>();
            cleaned.as_str()
        } else {
            text
        };
        let mut line = Line { text: text.to_string(), ..Line::default() };
        if text.is_empty() {
            line.rtl = rtl == Some(true);
            return line;
        }
        // Text with no right-to-left character is one left-to-right run: the bidi algorithm
        // is skipped for it (names in Latin script, numbers, codes: most of a sheet).
        let runs: Vec<(Range<usize>, bool)> = if rtl != Some(true) && all_left_to_right(text) {
            vec![(0..text.len(), false)]
        } else {
            let level = rtl.map(|r| if r { Level::rtl() } else { Level::ltr() });
            let bidi = ParagraphBidiInfo::new(text, level);
            line.rtl = bidi.paragraph_level.is_rtl();
            let (levels, runs) = bidi.visual_runs(0..text.len());
            runs.into_iter().map(|run| (run.clone(), levels[run.start].is_rtl())).collect()
        };
        let mut x = 0.0;
        let mut glyphs = Vec::with_capacity(text.len());
        for (run, run_rtl) in runs {
            let pieces = self.itemize(&text[run.clone()], style.weight);
            let mut place = |piece: &(Range<usize>, Option<Face>)| {
                let sub = &text[run.start + piece.0.start..run.start + piece.0.end];
                x = self.shape_piece(sub, piece.1, run_rtl, style.size, x, &mut glyphs, &mut line.missing);
            };
            // In a right-to-left run the first piece in logical order is the rightmost.
            if run_rtl {
                pieces.iter().rev().for_each(&mut place);
            } else {
                pieces.iter().for_each(&mut place);
            }
        }
        line.width = x;
        line.glyphs = glyphs.into();
        line
    }

    /// Cuts a same-direction run into pieces set in one face each (logical order).
    fn itemize(&self, run: &str, weight: Weight) -> Vec<(Range<usize>, Option<Face>)> {
        let mut pieces: Vec<(Range<usize>, Option<Face>)> = Vec::new();
        // Leading neutral characters take the script of the first letter after them.
        let mut script = run.chars().map(script_of).find(|s| !is_neutral(*s)).unwrap_or(Script::Latin);
        for (i, c) in run.char_indices() {
            let sc = script_of(c);
            if !is_neutral(sc) {
                script = sc;
            }
            let end = i + c.len_utf8();
            let face = match pieces.last() {
                Some((_, Some(prev))) if clings(c) && self.faces.covers(*prev, c) => Some(*prev),
                Some((_, None)) if clings(c) => None,
                _ => self.faces.pick(c, script, weight),
            };
            match pieces.last_mut() {
                Some((range, f)) if *f == face => range.end = end,
                _ => pieces.push((i..end, face)),
            }
        }
        pieces
    }

    /// Shapes `sub` in `face` (or draws replacement marks when `face` is `None`, noting the
    /// characters in `missing`) starting at `x`, adding to `glyphs`; returns the pen position
    /// after it.
    #[allow(clippy::too_many_arguments)]
    fn shape_piece(
        &mut self,
        sub: &str,
        face: Option<Face>,
        rtl: bool,
        size: f32,
        mut x: f32,
        glyphs: &mut Vec<PlacedGlyph>,
        missing: &mut Vec<char>,
    ) -> f32 {
        let Some(face) = face else {
            let latin = self.faces.face(Face::Latin);
            let gid = latin.glyph_index(REPLACEMENT).map_or(0, |g| g.0);
            let advance = latin.glyph_hor_advance(ttf_glyph(gid)).unwrap_or(0) as f32;
            let scale = size / self.faces.units_per_em(Face::Latin);
            for c in sub.chars().filter(|c| !clings(*c)) {
                missing.push(c);
                let text = GlyphText::new(REPLACEMENT.encode_utf8(&mut [0; 4]));
                glyphs.push(PlacedGlyph { face: Face::Latin, gid, x, y: 0.0, text });
                x += advance * scale;
            }
            return x;
        };
        let direction =
            if rtl { rustybuzz::Direction::RightToLeft } else { rustybuzz::Direction::LeftToRight };
        // The script the whole piece is shaped as, given to each of its words so that they are
        // shaped exactly as they are inside the piece. rustybuzz takes a buffer's script from
        // its first character of a script of its own (by the same `unicode-script` tables as
        // `script_of`), so that character alone gives it; it is asked once per character.
        let script = self.piece_script(sub);
        let scale = size / self.faces.units_per_em(face);
        let words = if self.split_words { words_of(sub) } else { vec![sub] };
        let mut place = |word: &[WordGlyph], x: &mut f32| {
            for g in word {
                glyphs.push(PlacedGlyph {
                    face,
                    gid: g.gid,
                    x: *x + g.x_offset as f32 * scale,
                    y: g.y_offset as f32 * scale,
                    text: g.text.clone(),
                });
                *x += g.x_advance as f32 * scale;
            }
        };
        // Right to left, the first word in logical order is the rightmost.
        let key = (face, rtl, script);
        for i in 0..words.len() {
            let word = if rtl { words[words.len() - 1 - i] } else { words[i] };
            if !self.words.get(&key).is_some_and(|m| m.contains_key(word)) {
                let shaped = self.shape_word(word, face, direction, script);
                self.words.entry(key).or_default().insert(word.into(), shaped);
            }
            place(&self.words[&key][word], &mut x);
        }
        x
    }

    /// The script of a piece as rustybuzz guesses it for the piece whole.
    fn piece_script(&mut self, piece: &str) -> Option<rustybuzz::Script> {
        match piece.chars().find(|c| !is_neutral(script_of(*c))) {
            Some(first) => *self.scripts.entry(first).or_insert_with(|| guessed_script(&first.to_string())),
            None => guessed_script(piece),
        }
    }

    /// Shapes one word (with the spaces after it) in `face`, in font units.
    fn shape_word(
        &mut self,
        word: &str,
        face: Face,
        direction: rustybuzz::Direction,
        script: Option<rustybuzz::Script>,
    ) -> Vec<WordGlyph> {
        let rtl = direction == rustybuzz::Direction::RightToLeft;
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(word);
        buffer.set_direction(direction);
        if let Some(script) = script {
            buffer.set_script(script);
        }
        buffer.guess_segment_properties();
        buffer.set_cluster_level(rustybuzz::BufferClusterLevel::MonotoneCharacters);
        let font = self.faces.face(face);
        let plan = self.plans.entry((face, rtl, script)).or_insert_with(|| {
            rustybuzz::ShapePlan::new(font, buffer.direction(), script, buffer.language().as_ref(), &[])
        });
        let shaped = rustybuzz::shape_with_plan(font, plan, buffer);

        // Cluster starts in logical order: a cluster's text runs to the next start.
        let mut starts: Vec<usize> = shaped.glyph_infos().iter().map(|g| g.cluster as usize).collect();
        starts.sort_unstable();
        starts.dedup();
        let mut previous: Option<u32> = None;
        let mut out = Vec::with_capacity(shaped.len());
        for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
            let text = if previous == Some(info.cluster) {
                GlyphText::new("")
            } else {
                let start = info.cluster as usize;
                let end = match starts.binary_search(&start) {
                    Ok(i) => starts.get(i + 1).copied().unwrap_or(word.len()),
                    Err(_) => word.len(),
                };
                let text = word.get(start..end).unwrap_or_default();
                if rtl {
                    GlyphText::new(&visual_text(text))
                } else {
                    GlyphText::new(text)
                }
            };
            previous = Some(info.cluster);
            out.push(WordGlyph {
                gid: u16::try_from(info.glyph_id).unwrap_or(0),
                x_offset: pos.x_offset,
                y_offset: pos.y_offset,
                x_advance: pos.x_advance,
                text,
            });
        }
        out
    }

    /// One line no wider than `max_width`: the whole text if it fits, else the longest
    /// prefix that fits followed by an ellipsis (an empty line if not even "…" fits).
    pub(crate) fn fit(&mut self, text: &str, style: TextStyle, max_width: f32, rtl: Option<bool>) -> Line {
        let (text, cut) = cap(text, style, max_width, 1);
        let line = self.shape(text, style, rtl);
        if line.width <= max_width && !cut {
            return line;
        }
        let rtl = Some(rtl.unwrap_or(line.rtl));
        self.truncate(text, style, max_width, rtl)
    }

    /// The longest prefix of `text` (cut at a character boundary) that fits with "…".
    fn truncate(&mut self, text: &str, style: TextStyle, max_width: f32, rtl: Option<bool>) -> Line {
        let bounds = boundaries(text);
        let with_ellipsis = |s: &mut Shaper, end: usize| {
            let candidate = format!("{}{ELLIPSIS}", text[..end].trim_end());
            s.shape_uncached(&candidate, style, rtl)
        };
        // Binary search over the boundaries for the last prefix that fits.
        let (mut lo, mut hi) = (0usize, bounds.len());
        let mut best: Option<Line> = None;
        while lo < hi {
            let mid = (lo + hi) / 2;
            let line = with_ellipsis(self, bounds[mid]);
            if line.width <= max_width {
                best = Some(line);
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let mut line = best.unwrap_or_else(|| Line { rtl: rtl.unwrap_or(false), ..Line::default() });
        line.truncated = true;
        line
    }

    /// Wraps `text` into at most `max_lines` lines no wider than `max_width`. Breaks at
    /// spaces and explicit line breaks; a word longer than a line is broken inside; text left
    /// over after the last line is cut with an ellipsis. All lines share the direction of the
    /// whole text.
    pub(crate) fn wrap(
        &mut self,
        text: &str,
        style: TextStyle,
        max_width: f32,
        max_lines: usize,
    ) -> Vec<Line> {
        let max_lines = max_lines.max(1);
        let (text, cut) = cap(text, style, max_width, max_lines);
        let rtl = Some(Shaper::is_rtl(text));
        let paragraphs: Vec<&str> = text.lines().map(str::trim).filter(|p| !p.is_empty()).collect();
        let mut lines = Vec::new();
        for (p, paragraph) in paragraphs.iter().enumerate() {
            let mut rest: &str = paragraph;
            while !rest.is_empty() {
                if lines.len() + 1 == max_lines {
                    // The last line takes all that is left, truncated if need be.
                    let mut left = rest.to_string();
                    for later in &paragraphs[p + 1..] {
                        left.push(' ');
                        left.push_str(later);
                    }
                    let mut line = self.fit(&left, style, max_width, rtl);
                    if cut && !line.truncated {
                        line = self.truncate(&left, style, max_width, rtl);
                    }
                    lines.push(line);
                    return lines;
                }
                let (line, next) = self.break_line(rest, style, max_width, rtl);
                lines.push(line);
                rest = rest[next..].trim_start();
            }
        }
        lines
    }

    /// The first line of `text` and the byte index where the rest starts.
    fn break_line(
        &mut self,
        text: &str,
        style: TextStyle,
        max_width: f32,
        rtl: Option<bool>,
    ) -> (Line, usize) {
        let whole = self.shape(text, style, rtl);
        if whole.width <= max_width {
            return (whole, text.len());
        }
        // Prefer the last space that leaves a fitting line.
        let spaces: Vec<usize> =
            text.char_indices().filter(|(_, c)| c.is_whitespace()).map(|(i, _)| i).collect();
        if let Some(found) = self.fitting_by_words(text, &spaces, style, max_width, rtl) {
            return found;
        }
        if let Some((line, end)) = self.longest_fitting(text, &spaces, style, max_width, rtl) {
            return (line, end);
        }
        // A single word wider than the line: break inside it (at least one character).
        let bounds: Vec<usize> = boundaries(text).into_iter().filter(|b| *b > 0).collect();
        if let Some((line, end)) = self.longest_fitting(text, &bounds, style, max_width, rtl) {
            return (line, end);
        }
        let first = bounds.first().copied().unwrap_or(text.len());
        let mut line = self.fit(&text[..first], style, max_width, rtl);
        line.truncated = true;
        (line, first)
    }

    /// The longest `text[..end]` ending at one of the `spaces` that fits, guessed from the
    /// widths of its words (each distinct word is shaped once for the whole document: names
    /// share their words) and then shaped once to confirm. `None` when the guess does not
    /// fit, and the caller searches by shaping.
    fn fitting_by_words(
        &mut self,
        text: &str,
        spaces: &[usize],
        style: TextStyle,
        max_width: f32,
        rtl: Option<bool>,
    ) -> Option<(Line, usize)> {
        let space = self.width(" ", style, Some(false));
        let mut start = 0;
        let mut width = 0.0;
        let mut best = None;
        for &end in spaces.iter().chain(std::iter::once(&text.len())) {
            let word = text[start..end].trim();
            if !word.is_empty() {
                let w = self.width(word, style, rtl);
                width += if width > 0.0 { space + w } else { w };
            }
            // Leave a little room: shaping across a space can differ from the sum.
            if width > max_width * 0.995 {
                break;
            }
            if end < text.len() && !text[..end].trim().is_empty() {
                best = Some(end);
            }
            start = end;
        }
        let end = best?;
        let line = self.shape(text[..end].trim_end(), style, rtl);
        (line.width <= max_width).then_some((line, end))
    }

    /// The longest `text[..end]` over the sorted candidate `ends` that fits, by binary search.
    fn longest_fitting(
        &mut self,
        text: &str,
        ends: &[usize],
        style: TextStyle,
        max_width: f32,
        rtl: Option<bool>,
    ) -> Option<(Line, usize)> {
        let (mut lo, mut hi) = (0usize, ends.len());
        let mut best = None;
        while lo < hi {
            let mid = (lo + hi) / 2;
            let end = ends[mid];
            let line = self.shape_uncached(text[..end].trim_end(), style, rtl);
            if line.width <= max_width && !text[..end].trim().is_empty() {
                best = Some((line, end));
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        best
    }
}

/// Whether every character of `text` comes before the first right-to-left block (Hebrew,
/// U+0590): such text has no right-to-left or explicit-direction character, so the bidi
/// algorithm makes it one left-to-right run.
fn all_left_to_right(text: &str) -> bool {
    text.chars().all(|c| c < '\u{0590}')
}

/// The text of a glyph in a right-to-left run as text extraction expects it: PDF readers
/// (poppler, pdf.js) collect right-to-left glyphs in visual order and reverse them, so a
/// ligature's characters (لا) are stored reversed and a mirrored bracket as the bracket it
/// looks like. Reversed once more by the reader, the name comes out in logical order.
fn visual_text(text: &str) -> Box<str> {
    text.chars()
        .rev()
        .map(|c| unicode_bidi_mirroring::get_mirrored(c).unwrap_or(c))
        .collect::<String>()
        .into()
}

fn ttf_glyph(gid: u16) -> rustybuzz::ttf_parser::GlyphId {
    rustybuzz::ttf_parser::GlyphId(gid)
}

/// Byte indices where text may be cut: before every character that does not cling to the
/// one before it (so an accent or a joiner is never separated from its letter).
fn boundaries(text: &str) -> Vec<usize> {
    text.char_indices().filter(|(_, c)| !clings(*c)).map(|(i, _)| i).collect()
}

/// Bounds the work on absurdly long text: no font here sets a character narrower than a
/// fifth of an em, so text beyond what `lines` lines could hold at that width can never be
/// shown. Returns the text to lay out and whether it was cut.
fn cap(text: &str, style: TextStyle, max_width: f32, lines: usize) -> (&str, bool) {
    let per_line = (max_width / (0.2 * style.size.max(1.0))).max(0.0) as usize + 1;
    let limit = per_line.saturating_mul(lines).saturating_add(8);
    match text.char_indices().nth(limit) {
        Some((i, _)) => (&text[..i], true),
        None => (text, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_script::UnicodeScript;

    const BODY: TextStyle = TextStyle { size: 9.0, weight: Weight::Regular };

    fn text_of(line: &Line) -> String {
        line.glyphs.iter().map(|g| &*g.text).collect()
    }

    /// The line's logical text, checked against its glyphs: every character is carried by
    /// exactly one glyph.
    fn logical(line: &Line) -> String {
        // Brackets in right-to-left runs carry their mirror image; compare them as one.
        let fold = |c: char| c.min(unicode_bidi_mirroring::get_mirrored(c).unwrap_or(c));
        let mut from_glyphs: Vec<char> = text_of(line).chars().map(fold).collect();
        let mut from_text: Vec<char> = line.text.chars().filter(|c| !c.is_control()).map(fold).collect();
        from_glyphs.sort_unstable();
        from_text.sort_unstable();
        assert_eq!(from_glyphs, from_text, "glyphs do not carry the text {:?}", line.text);
        line.text.clone()
    }

    #[test]
    fn latin_line_measures_and_keeps_its_text() {
        let mut s = Shaper::new().unwrap();
        let line = s.shape("Zoé Ngoné", BODY, None);
        assert!(!line.rtl);
        assert!(line.width > 20.0 && line.width < 60.0, "width {}", line.width);
        assert_eq!(text_of(&line), "Zoé Ngoné");
        assert!(line.missing.is_empty());
        // Glyphs advance left to right.
        assert!(line.glyphs.windows(2).all(|w| w[0].x <= w[1].x));
    }

    #[test]
    fn width_scales_with_size() {
        let mut s = Shaper::new().unwrap();
        let small = s.shape("Amina", BODY, None).width;
        let big = s.shape("Amina", TextStyle { size: 18.0, ..BODY }, None).width;
        assert!((big - 2.0 * small).abs() < 0.01, "{small} vs {big}");
    }

    #[test]
    fn arabic_is_shaped_right_to_left_with_joined_forms() {
        let mut s = Shaper::new().unwrap();
        let line = s.shape("فاطمة", BODY, None);
        assert!(line.rtl);
        assert_eq!(line.glyphs.iter().filter(|g| g.face == Face::Arabic).count(), line.glyphs.len());
        // Visual order: the first letter (ف) is the rightmost glyph.
        assert_eq!(&*line.glyphs.last().unwrap().text, "ف");
        assert_eq!(logical(&line), "فاطمة");
        // Joining: the initial form of ف differs from its isolated form.
        let isolated = s.shape("ف", BODY, None).glyphs[0].gid;
        assert_ne!(line.glyphs.last().unwrap().gid, isolated, "ف was not joined");
    }

    #[test]
    fn mixed_cell_is_rtl_with_the_code_on_the_left() {
        let mut s = Shaper::new().unwrap();
        let line = s.shape("فاطمة أحمد (CAL-0042)", BODY, None);
        assert!(line.rtl);
        let visual = text_of(&line);
        // The leftmost glyph is the closing bracket, mirrored: its text is the bracket it shows.
        assert!(visual.starts_with("(CAL-0042)"), "visual {visual:?}");
        assert_eq!(logical(&line), "فاطمة أحمد (CAL-0042)");
        let latin: Vec<_> = line.glyphs.iter().filter(|g| g.face == Face::Latin).collect();
        let arabic: Vec<_> = line.glyphs.iter().filter(|g| g.face == Face::Arabic).collect();
        assert!(!latin.is_empty() && !arabic.is_empty());
        let c = line.glyphs.iter().find(|g| &*g.text == "C").unwrap();
        assert!(arabic
            .iter()
            .filter(|g| g.text.chars().any(|c| c.script() == Script::Arabic))
            .all(|g| g.x > c.x));
    }

    #[test]
    fn ligatures_in_rtl_text_carry_their_letters_in_visual_order() {
        let mut s = Shaper::new().unwrap();
        let line = s.shape("شیلان", BODY, None);
        // Noto Sans Arabic sets lam-alef as one glyph.
        let ligature =
            line.glyphs.iter().find(|g| g.text.chars().count() == 2).expect("no lam-alef ligature");
        assert_eq!(&*ligature.text, "ال");
        assert_eq!(logical(&line), "شیلان");
    }

    #[test]
    fn geez_and_combining_accents_are_covered() {
        let mut s = Shaper::new().unwrap();
        let line = s.shape("ሰላም ተስፋዬ", BODY, None);
        assert!(line.missing.is_empty());
        assert!(line.glyphs.iter().all(|g| g.face == Face::Ethiopic && g.gid != 0));
        assert_eq!(text_of(&line), "ሰላም ተስፋዬ");
        // e + combining acute: one cluster, no notdef, mark not cut from its letter.
        let line = s.shape("Rene\u{301}e", BODY, None);
        assert!(line.glyphs.iter().all(|g| g.gid != 0));
        assert_eq!(text_of(&line), "Rene\u{301}e");
    }

    #[test]
    fn uncovered_script_is_marked_and_reported() {
        let mut s = Shaper::new().unwrap();
        let line = s.shape("王芳 (BHM-0001)", BODY, None);
        assert_eq!(line.missing, vec!['王', '芳']);
        assert_eq!(line.glyphs.iter().filter(|g| &*g.text == "\u{FFFD}").count(), 2);
        assert!(text_of(&line).contains("BHM-0001"));
    }

    #[test]
    fn fit_returns_the_whole_text_when_it_fits() {
        let mut s = Shaper::new().unwrap();
        let line = s.fit("Amina Yusuf", BODY, 200.0, None);
        assert!(!line.truncated);
        assert_eq!(text_of(&line), "Amina Yusuf");
    }

    #[test]
    fn fit_truncates_with_an_ellipsis_and_never_overflows() {
        let mut s = Shaper::new().unwrap();
        for text in [
            "Marie-Hélène Nguyễn Thị Phương Anh de la Fontaine",
            "فاطمة أحمد محمد عبد الرحمن الحسيني (CAL-0042)",
            "ተስፋዬ ገብረመድህን ወልደሚካኤል ኃይለሥላሴ",
            "گلالۍ ځدراڼ (DUN-0007) ژوندۍ",
        ] {
            for max in [10.0, 25.0, 40.0, 60.0, 90.0] {
                let line = s.fit(text, BODY, max, None);
                assert!(line.width <= max + 1e-3, "{text:?} at {max}: width {}", line.width);
                assert!(line.truncated, "{text:?} at {max} should be truncated");
                let logical = logical(&line);
                if !logical.is_empty() {
                    assert!(logical.ends_with(ELLIPSIS), "{text:?} at {max}: {logical:?}");
                    let kept = logical.trim_end_matches(ELLIPSIS);
                    assert!(text.starts_with(kept.trim_end()), "{kept:?} is not a prefix of {text:?}");
                }
            }
        }
    }

    #[test]
    fn truncation_keeps_accents_with_their_letters() {
        let mut s = Shaper::new().unwrap();
        let text = "e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}";
        for max in [8.0, 12.0, 16.0, 20.0] {
            let line = s.fit(text, BODY, max, None);
            let kept = text_of(&line);
            let kept = kept.trim_end_matches(ELLIPSIS);
            assert!(!kept.ends_with('e'), "accent cut from its letter: {kept:?}");
        }
    }

    #[test]
    fn a_ten_thousand_character_cell_is_cut_quickly() {
        let mut s = Shaper::new().unwrap();
        let text = "فاطمة Amina ሰላም ".repeat(700);
        let start = std::time::Instant::now();
        let line = s.fit(&text, BODY, 100.0, None);
        let lines = s.wrap(&text, BODY, 100.0, 3);
        assert!(start.elapsed().as_secs_f64() < 5.0);
        assert!(line.truncated && line.width <= 100.0);
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.width <= 100.0));
        assert!(lines[2].truncated);
    }

    #[test]
    fn wrap_breaks_at_spaces_within_the_width_and_line_limit() {
        let mut s = Shaper::new().unwrap();
        let text = "Amina Yusuf Abdi Mohamed Hassan Farah Warsame Jama";
        let lines = s.wrap(text, BODY, 60.0, 10);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.width <= 60.0 && !l.truncated));
        let joined: Vec<String> = lines.iter().map(text_of).collect();
        assert_eq!(joined.join(" "), text);
        let two = s.wrap(text, BODY, 60.0, 2);
        assert_eq!(two.len(), 2);
        assert!(two[1].truncated && text_of(&two[1]).ends_with(ELLIPSIS));
    }

    #[test]
    fn wrap_breaks_a_long_word_and_keeps_rtl_direction() {
        let mut s = Shaper::new().unwrap();
        let lines = s.wrap("Abcdefghijklmnopqrstuvwxyzabcdefghijklmnop", BODY, 30.0, 4);
        assert!(lines.len() >= 2 && lines.iter().all(|l| l.width <= 30.0));
        let lines = s.wrap("فاطمة أحمد محمد عبد الرحمن (CAL-0042)", BODY, 50.0, 4);
        assert!(lines.len() >= 2);
        assert!(lines.iter().all(|l| l.rtl && l.width <= 50.0));
        let logical: Vec<String> = lines.iter().map(logical).collect();
        assert!(logical[0].starts_with("فاطمة"), "{logical:?}");
    }

    #[test]
    fn wrap_follows_explicit_line_breaks() {
        let mut s = Shaper::new().unwrap();
        let lines = s.wrap("Amina\nYusuf", BODY, 200.0, 3);
        assert_eq!(lines.iter().map(text_of).collect::<Vec<_>>(), vec!["Amina", "Yusuf"]);
    }

    #[test]
    fn random_mixed_text_never_panics_and_never_overflows() {
        use rand::{Rng, SeedableRng};
        // Letters of every script we print, plus the awkward ones: combining marks, joiners,
        // bidi controls, separators, emoji, CJK, control characters.
        let pool: Vec<char> = "aéZ ف ل ا ۍ ڕ ە ሰ ም ( ) [ 0 4 ٤ … - \u{301}\u{64B}\u{200C}\u{200D}\u{202B}\u{202E}\u{2066}\u{2069}\u{2029}\u{85}\t\n\r😀王\u{FEFF}"
            .chars()
            .collect();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut s = Shaper::new().unwrap();
        for _ in 0..300 {
            let len = rng.random_range(0..40);
            let text: String = (0..len).map(|_| pool[rng.random_range(0..pool.len())]).collect();
            let max = rng.random_range(1.0..120.0);
            let line = s.fit(&text, BODY, max, None);
            assert!(line.width <= max + 1e-3, "{text:?} overflows {max}: {}", line.width);
            for l in s.wrap(&text, BODY, max, 3) {
                assert!(l.width <= max + 1e-3, "{text:?} wraps over {max}: {}", l.width);
            }
        }
    }

    #[test]
    fn words_shaped_apart_place_every_glyph_as_the_whole_line_does() {
        // Every cell of the multi-script sample, and text with marks, brackets and digits
        // between words: shaped word by word it must give the very glyphs, positions and
        // texts that shaping each piece whole gives.
        let csv = crate::print::sample::csv(400, 3).unwrap();
        let mut cells: Vec<String> = csv::Reader::from_reader(csv.as_bytes())
            .records()
            .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
            .collect();
        cells.extend(
            [
                "فاطمة أحمد (CAL-0042)",
                "گلالۍ ځدراڼ (DUN-0007) ژوندۍ",
                "ሰላም ተስፋዬ  ገብረመድህን",
                "Rene\u{301}e  \u{301}x Nguyễn Thị",
                "  Amina  Yusuf ",
                "لا إله  (12) [a b] 3 4",
                "王芳 Amina",
            ]
            .map(String::from),
        );
        let mut words = Shaper::new().unwrap();
        let mut whole = Shaper::new().unwrap();
        whole.split_words = false;
        for style in [BODY, TextStyle { size: 11.0, weight: Weight::Bold }] {
            for text in &cells {
                let a = words.shape(text, style, None);
                let b = whole.shape(text, style, None);
                assert_eq!(a, b, "{text:?} shaped word by word differs");
            }
        }
    }

    #[test]
    fn text_before_the_right_to_left_blocks_is_one_left_to_right_run() {
        // The shortcut past the bidi algorithm holds for every character it takes, alone and
        // after letters, digits and marks of both directions' neighbours in that range.
        let every: String = ('\u{20}'..'\u{0590}').filter(|c| !c.is_control()).collect();
        let mut texts: Vec<String> = every.chars().map(|c| format!("{c}1 a{c}(2)")).collect();
        texts.push(every);
        texts.extend(crate::print::sample::table(300, 5).into_iter().flatten());
        let mut checked = 0;
        for text in texts.iter().filter(|t| !t.is_empty() && all_left_to_right(t)) {
            let bidi = ParagraphBidiInfo::new(text, None);
            assert!(!bidi.paragraph_level.is_rtl(), "{text:?}");
            let (levels, runs) = bidi.visual_runs(0..text.len());
            assert_eq!(runs, vec![0..text.len()], "{text:?}");
            assert!(levels.iter().all(|l| l.is_ltr()), "{text:?}");
            checked += 1;
        }
        assert!(checked > 1500, "only {checked} texts took the shortcut");
        assert!(!all_left_to_right("Amina فاطمة") && !all_left_to_right("a\u{202E}b"));
    }

    #[test]
    fn a_piece_is_given_the_script_rustybuzz_guesses_for_it_whole() {
        let mut texts: Vec<String> = crate::print::sample::table(300, 9).into_iter().flatten().collect();
        texts
            .extend(["12 (3)", "", " \u{301}a", "١٢ فاطمة", "ሰላም 4", "Ωμέγα", "\u{200D}x"].map(String::from));
        let mut shaper = Shaper::new().unwrap();
        for text in &texts {
            assert_eq!(shaper.piece_script(text), guessed_script(text), "{text:?}");
        }
    }

    #[test]
    fn ascii_shortcuts_answer_as_the_tables_do() {
        let faces = Faces::get().unwrap();
        for c in (0u8..128).map(char::from) {
            assert_eq!(script_of(c), c.script(), "{c:?}");
            assert!(!clings(c));
            for face in Face::ALL {
                assert_eq!(
                    faces.covers(face, c),
                    faces.face(face).glyph_index(c).is_some(),
                    "{face:?} {c:?}"
                );
            }
        }
        assert_eq!(script_of('é'), Script::Latin);
        assert!(clings('\u{301}') && clings('\u{200D}'));
    }

    #[test]
    fn fit_with_no_room_gives_an_empty_line() {
        let mut s = Shaper::new().unwrap();
        let line = s.fit("Amina", BODY, 1.0, None);
        assert!(line.glyphs.is_empty() && line.width == 0.0 && line.truncated);
    }
}
