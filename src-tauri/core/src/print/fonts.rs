//! The embedded fonts and the choice of font for each character.
//!
//! Sheets never read system fonts: the font files are compiled into the binary
//! (`ui/fonts/`, SIL OFL 1.1, see `OFL.txt` there), so a sheet prints the same on Windows and
//! Linux. The files live under `ui/` because the window uses the same fonts as web fonts (the
//! window loads only `ui/`): one copy of each font serves both. Noto Sans covers Latin (with the diacritics of French, Turkish,
//! Vietnamese, Albanian, Somali ...), Greek and Cyrillic; Noto Sans Arabic covers Arabic,
//! Persian/Dari, Pashto, Urdu and Kurdish Sorani; Noto Sans Ethiopic covers Tigrinya and
//! Amharic. There is no bold Ethiopic: bold Ge'ez text is set in the regular face.
//!
//! Tick, cross and warning marks are drawn as vector paths (see `pdf.rs`), so no symbol font
//! is shipped.

use std::sync::OnceLock;

use unicode_script::{Script, UnicodeScript};

use crate::{Error, Result};

/// One embedded font face.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Face {
    Latin,
    LatinBold,
    Arabic,
    ArabicBold,
    Ethiopic,
}

/// Regular or bold text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

impl Face {
    /// Every face, in the order fallback tries them.
    pub(crate) const ALL: [Face; 5] =
        [Face::Latin, Face::LatinBold, Face::Arabic, Face::ArabicBold, Face::Ethiopic];

    /// The font file.
    pub(crate) fn bytes(self) -> &'static [u8] {
        match self {
            Face::Latin => include_bytes!("../../../../ui/fonts/NotoSans-Regular.ttf"),
            Face::LatinBold => include_bytes!("../../../../ui/fonts/NotoSans-Bold.ttf"),
            Face::Arabic => include_bytes!("../../../../ui/fonts/NotoSansArabic-Regular.ttf"),
            Face::ArabicBold => include_bytes!("../../../../ui/fonts/NotoSansArabic-Bold.ttf"),
            Face::Ethiopic => include_bytes!("../../../../ui/fonts/NotoSansEthiopic-Regular.ttf"),
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The face a script is set in, at a weight.
    fn for_script(script: Script, weight: Weight) -> Face {
        match (script, weight) {
            (Script::Arabic, Weight::Regular) => Face::Arabic,
            (Script::Arabic, Weight::Bold) => Face::ArabicBold,
            (Script::Ethiopic, _) => Face::Ethiopic,
            (_, Weight::Regular) => Face::Latin,
            (_, Weight::Bold) => Face::LatinBold,
        }
    }

    /// The faces tried, in order, when the script's own face lacks a character.
    fn fallbacks(weight: Weight) -> [Face; 3] {
        match weight {
            Weight::Regular => [Face::Latin, Face::Arabic, Face::Ethiopic],
            Weight::Bold => [Face::LatinBold, Face::ArabicBold, Face::Ethiopic],
        }
    }
}

/// The parsed faces, shared by every render (parsing is zero-copy over the embedded bytes).
pub(crate) struct Faces {
    faces: Vec<rustybuzz::Face<'static>>,
    /// Which ASCII characters each face has, by face index: asked for nearly every character
    /// laid out, and cheaper here than in the font's character map.
    ascii: Vec<[bool; 128]>,
}

impl Faces {
    /// The faces, parsed once per process.
    pub(crate) fn get() -> Result<&'static Faces> {
        static FACES: OnceLock<Option<Faces>> = OnceLock::new();
        FACES
            .get_or_init(|| {
                let faces: Option<Vec<_>> =
                    Face::ALL.iter().map(|f| rustybuzz::Face::from_slice(f.bytes(), 0)).collect();
                faces.map(|faces| {
                    let ascii = faces
                        .iter()
                        .map(|f| std::array::from_fn(|i| f.glyph_index(char::from(i as u8)).is_some()))
                        .collect();
                    Faces { faces, ascii }
                })
            })
            .as_ref()
            .ok_or_else(|| Error::new(crate::Code::PrintFontUnreadable, serde_json::json!({})))
    }

    /// The shaping face of `face`.
    pub(crate) fn face(&self, face: Face) -> &rustybuzz::Face<'static> {
        // `faces` is built from `Face::ALL` in index order, so every index is present.
        &self.faces[face.index()]
    }

    /// Font units per em of `face`.
    pub(crate) fn units_per_em(&self, face: Face) -> f32 {
        self.face(face).units_per_em() as f32
    }

    /// Whether `face` has a glyph for `c`.
    pub(crate) fn covers(&self, face: Face, c: char) -> bool {
        if c.is_ascii() {
            return self.ascii[face.index()][c as usize];
        }
        self.face(face).glyph_index(c).is_some()
    }

    /// The face that sets `c` when it belongs to `script` (already resolved for neutral
    /// characters), or `None` when no embedded font has the character.
    pub(crate) fn pick(&self, c: char, script: Script, weight: Weight) -> Option<Face> {
        let own = Face::for_script(script, weight);
        if self.covers(own, c) {
            return Some(own);
        }
        Face::fallbacks(weight).into_iter().find(|f| *f != own && self.covers(*f, c))
    }
}

/// Whether `c` takes its script from its neighbours (spaces, digits, punctuation,
/// combining marks, joiners).
pub(crate) fn is_neutral(script: Script) -> bool {
    matches!(script, Script::Common | Script::Inherited | Script::Unknown)
}

/// Whether `c` must stay in the same font run as the character before it: combining
/// marks, joiners and variation selectors. A cut or a font change before them would
/// separate them from their base letter.
pub(crate) fn clings(c: char) -> bool {
    !c.is_ascii()
        && (c.script() == Script::Inherited || matches!(c, '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}'))
}

/// The script of `c`, answered without the table for ASCII (letters are Latin, the rest
/// Common): most of a sheet's characters are, and this is asked for every one.
pub(crate) fn script_of(c: char) -> Script {
    if c.is_ascii_alphabetic() {
        Script::Latin
    } else if c.is_ascii() {
        Script::Common
    } else {
        c.script()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_face_parses() {
        let faces = Faces::get().unwrap();
        for face in Face::ALL {
            assert!(faces.units_per_em(face) > 0.0, "{face:?} has no units per em");
        }
    }

    #[test]
    fn each_script_gets_its_own_face_and_unknown_scripts_get_none() {
        let faces = Faces::get().unwrap();
        assert_eq!(faces.pick('é', Script::Latin, Weight::Regular), Some(Face::Latin));
        assert_eq!(faces.pick('ف', Script::Arabic, Weight::Regular), Some(Face::Arabic));
        assert_eq!(faces.pick('ف', Script::Arabic, Weight::Bold), Some(Face::ArabicBold));
        assert_eq!(faces.pick('ڕ', Script::Arabic, Weight::Regular), Some(Face::Arabic), "Sorani letter");
        assert_eq!(faces.pick('ځ', Script::Arabic, Weight::Regular), Some(Face::Arabic), "Pashto letter");
        assert_eq!(faces.pick('ሰ', Script::Ethiopic, Weight::Bold), Some(Face::Ethiopic));
        // A digit inside Arabic text falls back to the Latin face if the Arabic one lacks it.
        assert!(faces.pick('4', Script::Arabic, Weight::Regular).is_some());
        assert_eq!(faces.pick('中', Script::Han, Weight::Regular), None);
    }
}
