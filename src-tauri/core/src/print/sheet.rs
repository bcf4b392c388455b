//! The plain data a sheet is made of: page setup, the page header's fields, columns and rows of
//! cells. Builders in each area fill these in; the rest of `print/` lays them out and draws them.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// Paper size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaperSize {
    /// ISO A4, 210 × 297 mm (the default).
    #[default]
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

/// Paper size and orientation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageSetup {
    /// A4 or Letter.
    pub size: PaperSize,
    /// Long edge horizontal.
    pub landscape: bool,
}

impl PageSetup {
    /// Page width and height in millimetres.
    pub fn size_mm(&self) -> (f32, f32) {
        let (w, h) = match self.size {
            PaperSize::A4 => (210.0, 297.0),
            PaperSize::Letter => (215.9, 279.4),
        };
        if self.landscape {
            (h, w)
        } else {
            (w, h)
        }
    }
}

/// The fields of the header printed at the top of every page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetHeader {
    /// The centre's name.
    pub centre: String,
    /// The site the sheet is for ("Calais").
    pub site: String,
    /// The sheet's title ("Distribution sign-up").
    pub title: String,
    /// The date or week the sheet is for ("Week 48 · 23–29 Nov 2026").
    pub date: String,
}

/// How wide a column is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnWidth {
    /// A fixed width in millimetres.
    Mm(f32),
    /// A share of the width the fixed columns leave.
    Weight(f32),
    /// From the content: at least the widest word, number or code of its cells (never cut),
    /// then a share of the width left in proportion to what its cells need on one line.
    Auto,
}

/// Where text sits in its cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    /// The side the text starts on: left for left-to-right text, right for Arabic script.
    #[default]
    Start,
    /// Centred.
    Center,
    /// The side the text ends on: right for left-to-right text, left for Arabic script.
    End,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// Text, wrapped to at most `max_lines` lines (1: one line, cut with "…").
    Text {
        /// Lines a cell may take (at least 1; fewer if the row is too short).
        max_lines: u8,
    },
    /// A drawn box to tick by hand (a cell's mark, if any, is printed in it).
    TickBox,
    /// A drawn box to sign in.
    SignatureBox,
}

/// One column of a sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// Heading, repeated at the top of the table on every page.
    pub title: String,
    /// Fixed or proportional width.
    pub width: ColumnWidth,
    /// Alignment of the cells (headings are always centred).
    pub align: Align,
    /// Text, tick box or signature box.
    pub kind: ColumnKind,
}

impl Column {
    /// A one-line text column with weight 1.
    pub fn text(title: impl Into<String>) -> Column {
        Column {
            title: title.into(),
            width: ColumnWidth::Weight(1.0),
            align: Align::Start,
            kind: ColumnKind::Text { max_lines: 1 },
        }
    }

    /// A tick-box column, 20 mm wide.
    pub fn tick_box(title: impl Into<String>) -> Column {
        Column {
            title: title.into(),
            width: ColumnWidth::Mm(20.0),
            align: Align::Center,
            kind: ColumnKind::TickBox,
        }
    }

    /// A signature column, 40 mm wide.
    pub fn signature(title: impl Into<String>) -> Column {
        Column {
            title: title.into(),
            width: ColumnWidth::Mm(40.0),
            align: Align::Center,
            kind: ColumnKind::SignatureBox,
        }
    }

    /// With a proportional width.
    pub fn weight(mut self, weight: f32) -> Column {
        self.width = ColumnWidth::Weight(weight);
        self
    }

    /// With its width from its content.
    pub fn auto(mut self) -> Column {
        self.width = ColumnWidth::Auto;
        self
    }

    /// With a fixed width in millimetres.
    pub fn mm(mut self, mm: f32) -> Column {
        self.width = ColumnWidth::Mm(mm);
        self
    }

    /// With an alignment.
    pub fn align(mut self, align: Align) -> Column {
        self.align = align;
        self
    }

    /// Text wrapped to at most `lines` lines.
    pub fn lines(mut self, lines: u8) -> Column {
        self.kind = ColumnKind::Text { max_lines: lines };
        self
    }
}

/// A drawn mark: a tick, a cross, or a warning triangle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// ✓
    Tick,
    /// ✗
    Cross,
    /// ⚠
    Warning,
}

/// One cell: text and an optional mark printed before it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// The text (any script, mixed scripts welcome).
    pub text: String,
    /// A mark before the text, or inside the box of a tick-box column.
    pub mark: Option<Mark>,
}

impl Cell {
    /// A cell with only a mark.
    pub fn mark(mark: Mark) -> Cell {
        Cell { text: String::new(), mark: Some(mark) }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell { text: text.to_string(), mark: None }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell { text, mark: None }
    }
}

/// How body rows are told apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStyle {
    /// Every other row shaded light grey, on top of the grid lines.
    #[default]
    Zebra,
    /// Grid lines only.
    Ruled,
}

/// A printable table: everything a sheet needs, as plain data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    /// Paper size and orientation.
    pub page: PageSetup,
    /// The page header's fields; `header.title` is also the PDF's title.
    pub header: SheetHeader,
    /// The PDF's author (the centre, or the person printing).
    pub author: String,
    /// When the sheet was printed (local time), shown in the footer and the PDF's metadata.
    pub printed_at: NaiveDateTime,
    /// The columns, left to right.
    pub columns: Vec<Column>,
    /// The rows; each has exactly one cell per column.
    pub rows: Vec<Vec<Cell>>,
    /// Body row height in millimetres. `None`: 9.5 mm if there are tick or signature
    /// columns (room for a pen), else just enough for the text.
    pub row_height_mm: Option<f32>,
    /// Zebra or ruled rows.
    pub row_style: RowStyle,
    /// Printed on one line under the table on the last page (a legend of marks, a contact):
    /// each cell with its mark. Empty: nothing.
    #[serde(default)]
    pub notes: Vec<Cell>,
    /// A column whose empty cells continue the cell above (a session's rows under its
    /// name): when such a row starts a page, the cell repeats that text with "(continued)".
    #[serde(default)]
    pub group_column: Option<usize>,
    /// The language of the words the engine prints itself ("page 1 of 2", "(continued)").
    #[serde(default)]
    pub language: super::Language,
}

impl Sheet {
    /// An A4 portrait sheet with a title, printed now, and no rows.
    pub fn new(title: impl Into<String>, columns: Vec<Column>) -> Sheet {
        Sheet {
            page: PageSetup::default(),
            header: SheetHeader { title: title.into(), ..SheetHeader::default() },
            author: String::new(),
            printed_at: chrono::Local::now().naive_local(),
            columns,
            rows: Vec::new(),
            row_height_mm: None,
            row_style: RowStyle::default(),
            notes: Vec::new(),
            group_column: None,
            language: super::Language::default(),
        }
    }
}

impl Sheet {
    /// A sheet of any table of text (headings and rows, as read from a spreadsheet or CSV):
    /// every column sized from its content ([`ColumnWidth::Auto`]), numbers aligned to the
    /// right, and every text cell allowed three lines before anything is cut. Rows shorter than
    /// the headings are padded with empty cells; longer ones keep only as many cells.
    pub fn table(title: impl Into<String>, headings: &[String], rows: Vec<Vec<String>>) -> Sheet {
        let columns = headings
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let mut cells = rows.iter().filter_map(|r| r.get(i)).map(|c| c.trim()).peekable();
                let any = cells.peek().is_some();
                let numeric = any && cells.all(|c| !c.is_empty() && c.parse::<f64>().is_ok());
                let column = Column::text(h.as_str()).auto().lines(3);
                if numeric {
                    column.align(Align::End)
                } else {
                    column
                }
            })
            .collect();
        let mut sheet = Sheet::new(title, columns);
        let n = headings.len();
        sheet.rows = rows
            .into_iter()
            .map(|mut r| {
                r.resize(n, String::new());
                r.into_iter().map(Cell::from).collect()
            })
            .collect();
        sheet
    }
}
