//! The sheet's measures: page margins, paddings, type sizes and greys, in points (72 to the
//! inch), shared by the layout (`table.rs`), the column widths (`widths.rs`) and the PDF
//! writer.

use super::fonts::Weight;
use super::text::TextStyle;

/// Points per millimetre.
pub(crate) const MM: f32 = 72.0 / 25.4;

pub(crate) const MARGIN: f32 = 12.0 * MM;
pub(crate) const PAD_X: f32 = 1.5 * MM;
pub(crate) const PAD_Y: f32 = 1.0 * MM;
pub(crate) const HEADER_HEIGHT: f32 = 16.0 * MM;
pub(crate) const FOOTER_HEIGHT: f32 = 8.0 * MM;
pub(crate) const BODY: TextStyle = TextStyle { size: 9.0, weight: Weight::Regular };
pub(crate) const HEADING: TextStyle = TextStyle { size: 8.0, weight: Weight::Bold };
pub(crate) const TITLE: TextStyle = TextStyle { size: 14.0, weight: Weight::Bold };
pub(crate) const SUBTITLE: TextStyle = TextStyle { size: 10.0, weight: Weight::Regular };
pub(crate) const FOOTER: TextStyle = TextStyle { size: 8.0, weight: Weight::Regular };
pub(crate) const LINE_FACTOR: f32 = 1.3;
pub(crate) const HEADING_LINES: usize = 3;
pub(crate) const MARK_SIZE: f32 = 3.2 * MM;
pub(crate) const TICK_BOX: f32 = 5.0 * MM;
/// Default body row height when people write in the rows.
pub(crate) const PEN_ROW: f32 = 9.5 * MM;
pub(crate) const GRID_GREY: f32 = 0.45;
pub(crate) const HEADING_GREY: f32 = 0.86;
pub(crate) const ZEBRA_GREY: f32 = 0.94;
pub(crate) const MAX_WARNINGS: usize = 20;
