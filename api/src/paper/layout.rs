//! A small page layout for printed records: wrapped text, label–value rows and ruled tables on
//! A4, broken over pages, then drawn with krilla.
//!
//! Layout runs first into a list of drawing operations per page, so the footer can say
//! "page i of n" once the page count is known. Text is drawn with DejaVu Sans, embedded and
//! subset by krilla with a ToUnicode map, so every character stays selectable and searchable
//! (é, em dashes and curly quotes included).

use std::sync::OnceLock;

use krilla::{
    Document,
    color::luma,
    geom::{PathBuilder, Point, Rect},
    metadata::Metadata,
    page::PageSettings,
    paint::{Fill, Stroke},
    surface::Surface,
    text::{Font, TextDirection},
};
use skrifa::{MetadataProvider, instance::LocationRef, instance::Size};

/// A4 in PostScript points.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
pub const MARGIN: f32 = 42.0;
/// The width between the margins.
pub const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// Room kept at the bottom of every page for the footer.
const FOOTER_ROOM: f32 = 28.0;
const CELL_PAD: f32 = 3.0;

/// Why a PDF could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PaperError {
    #[error("the embedded font cannot be read")]
    Font,
    #[error("the page size is not a valid size")]
    PageSize,
    #[error("cannot write the PDF: {0}")]
    Pdf(#[from] krilla::error::KrillaError),
}

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// One face: the bytes (measured with skrifa) and the krilla font drawn with them.
struct Face {
    data: &'static [u8],
    font: Font,
}

impl Face {
    fn load(data: &'static [u8]) -> Option<Face> {
        let font = Font::new(data.into(), 0)?;
        skrifa::FontRef::new(data).ok()?;
        Some(Face { data, font })
    }

    /// The advance width of `text` at `size` points, without kerning (which only narrows it,
    /// so a line measured this way always fits).
    fn width(&self, text: &str, size: f32) -> f32 {
        let Ok(font) = skrifa::FontRef::new(self.data) else {
            return 0.0;
        };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .map(|c| {
                let glyph = charmap.map(c).unwrap_or_default();
                metrics.advance_width(glyph).unwrap_or(size * 0.5)
            })
            .sum()
    }
}

struct Faces {
    regular: Face,
    bold: Face,
}

/// The faces are parsed once per process; krilla fonts are cheap to clone.
fn faces() -> Result<&'static Faces, PaperError> {
    static FACES: OnceLock<Option<Faces>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            Some(Faces {
                regular: Face::load(dejavu::sans::regular())?,
                bold: Face::load(dejavu::sans::bold())?,
            })
        })
        .as_ref()
        .ok_or(PaperError::Font)
}

fn face(weight: Weight) -> Result<&'static Face, PaperError> {
    let faces = faces()?;
    Ok(match weight {
        Weight::Regular => &faces.regular,
        Weight::Bold => &faces.bold,
    })
}

/// One drawing operation on a page, in points from the top-left corner.
#[derive(Debug, Clone)]
enum Op {
    /// Text with its baseline at `y`.
    Text {
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        text: String,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
    },
    /// A light grey rectangle (table headers).
    Shade { rect: (f32, f32, f32, f32) },
}

/// A table column: its heading and its width in points.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    pub width: f32,
}

/// How a text is set: size, weight and line height.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub size: f32,
    pub weight: Weight,
}

impl Style {
    pub const fn regular(size: f32) -> Style {
        Style {
            size,
            weight: Weight::Regular,
        }
    }
    pub const fn bold(size: f32) -> Style {
        Style {
            size,
            weight: Weight::Bold,
        }
    }
    fn leading(self) -> f32 {
        self.size * 1.3
    }
}

/// Pages being laid out, top to bottom.
pub struct Sheet {
    pages: Vec<Vec<Op>>,
    /// The top of the free space on the last page.
    y: f32,
    title: String,
}

impl Sheet {
    /// An empty first page; `title` goes into the PDF's metadata.
    pub fn new(title: impl Into<String>) -> Sheet {
        Sheet {
            pages: vec![Vec::new()],
            y: MARGIN,
            title: title.into(),
        }
    }

    fn bottom() -> f32 {
        PAGE_HEIGHT - MARGIN - FOOTER_ROOM
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    /// Starts a new page unless `height` more points fit on this one.
    pub fn ensure_room(&mut self, height: f32) {
        if self.y + height > Self::bottom() && self.y > MARGIN {
            self.new_page();
        }
    }

    /// Vertical space.
    pub fn gap(&mut self, height: f32) {
        self.y += height;
    }

    /// A line centred on the page.
    pub fn centered(&mut self, text: &str, style: Style) -> Result<(), PaperError> {
        for line in wrap(text, style, TEXT_WIDTH)? {
            self.ensure_room(style.leading());
            let width = face(style.weight)?.width(&line, style.size);
            let x = (PAGE_WIDTH - width) / 2.0;
            self.text_at(x, line, style);
            self.y += style.leading();
        }
        Ok(())
    }

    /// A paragraph (or several, one per line of `text`) across the text width.
    pub fn paragraph(&mut self, text: &str, style: Style) -> Result<(), PaperError> {
        for line in wrap(text, style, TEXT_WIDTH)? {
            self.ensure_room(style.leading());
            self.text_at(MARGIN, line, style);
            self.y += style.leading();
        }
        Ok(())
    }

    /// A section heading with a rule under it, kept with at least a few lines of what follows.
    pub fn heading(&mut self, text: &str) -> Result<(), PaperError> {
        let style = Style::bold(10.5);
        self.ensure_room(style.leading() * 4.0);
        self.gap(4.0);
        self.paragraph(text, style)?;
        self.rule(0.6);
        self.gap(4.0);
        Ok(())
    }

    /// A horizontal rule across the text width.
    pub fn rule(&mut self, width: f32) {
        let y = self.y - 2.0;
        self.push(Op::Line {
            from: (MARGIN, y),
            to: (PAGE_WIDTH - MARGIN, y),
            width,
        });
        self.y += 2.0;
    }

    /// A "label : value" row, the value wrapped beside the label.
    pub fn field(&mut self, label: &str, value: &str) -> Result<(), PaperError> {
        const LABEL_WIDTH: f32 = 150.0;
        let label_style = Style::regular(9.5);
        let value_style = Style::bold(9.5);
        let value_x = MARGIN + LABEL_WIDTH + 10.0;
        let lines = wrap(value, value_style, TEXT_WIDTH - LABEL_WIDTH - 10.0)?;
        self.ensure_room(value_style.leading() * lines.len().min(3) as f32);
        self.text_at(MARGIN, label.to_owned(), label_style);
        self.text_at(MARGIN + LABEL_WIDTH, ":".to_owned(), label_style);
        for line in lines {
            self.ensure_room(value_style.leading());
            self.text_at(value_x, line, value_style);
            self.y += value_style.leading();
        }
        Ok(())
    }

    /// A ruled table; the heading row (if any column has a title) repeats on every page the
    /// table spans.
    pub fn table(
        &mut self,
        columns: &[Column],
        rows: &[Vec<String>],
        style: Style,
    ) -> Result<(), PaperError> {
        let head_style = Style::bold(style.size);
        let head = columns
            .iter()
            .map(|c| c.title.to_owned())
            .collect::<Vec<_>>();
        // Columns without titles make a grid without a heading row (the tick boxes).
        let has_head = columns.iter().any(|c| !c.title.is_empty());
        let head_lines = self.cells(columns, &head, head_style)?;
        let head_height = row_height(&head_lines, head_style);
        self.ensure_room(head_height * 2.0);
        if has_head {
            self.table_row(columns, &head_lines, head_style, true);
        }
        for row in rows {
            let lines = self.cells(columns, row, style)?;
            let height = row_height(&lines, style);
            if self.y + height > Self::bottom() {
                self.new_page();
                if has_head {
                    self.table_row(columns, &head_lines, head_style, true);
                }
            }
            self.table_row(columns, &lines, style, false);
        }
        Ok(())
    }

    fn cells(
        &self,
        columns: &[Column],
        row: &[String],
        style: Style,
    ) -> Result<Vec<Vec<String>>, PaperError> {
        columns
            .iter()
            .zip(row.iter().chain(std::iter::repeat(&String::new())))
            .map(|(column, text)| wrap(text, style, column.width - 2.0 * CELL_PAD))
            .collect()
    }

    fn table_row(&mut self, columns: &[Column], cells: &[Vec<String>], style: Style, head: bool) {
        let height = row_height(cells, style);
        let top = self.y;
        let width: f32 = columns.iter().map(|c| c.width).sum();
        if head {
            self.push(Op::Shade {
                rect: (MARGIN, top, width, height),
            });
        }
        let mut x = MARGIN;
        for (column, lines) in columns.iter().zip(cells) {
            let mut baseline = top + CELL_PAD + style.size;
            for line in lines {
                self.push_text(x + CELL_PAD, baseline, line.clone(), style);
                baseline += style.leading();
            }
            self.push(Op::Line {
                from: (x, top),
                to: (x, top + height),
                width: 0.5,
            });
            x += column.width;
        }
        self.push(Op::Line {
            from: (x, top),
            to: (x, top + height),
            width: 0.5,
        });
        for y in [top, top + height] {
            self.push(Op::Line {
                from: (MARGIN, y),
                to: (MARGIN + width, y),
                width: 0.5,
            });
        }
        self.y = top + height;
    }

    /// Text whose baseline sits one font size below the current top.
    fn text_at(&mut self, x: f32, text: String, style: Style) {
        let y = self.y + style.size;
        self.push_text(x, y, text, style);
    }

    fn push_text(&mut self, x: f32, y: f32, text: String, style: Style) {
        if text.is_empty() {
            return;
        }
        self.push(Op::Text {
            x,
            y,
            size: style.size,
            weight: style.weight,
            text,
        });
    }

    /// Draws the pages, each with `footer` and its page number, into a PDF.
    pub fn finish(self, footer: &str) -> Result<Vec<u8>, PaperError> {
        let faces = faces()?;
        let mut document = Document::new();
        document.set_metadata(
            Metadata::new()
                .title(self.title.clone())
                .creator("Warta".into())
                .language("id".into()),
        );
        let count = self.pages.len();
        let footer_style = Style::regular(7.5);
        for (index, ops) in self.pages.into_iter().enumerate() {
            let settings =
                PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or(PaperError::PageSize)?;
            let mut page = document.start_page_with(settings);
            let mut surface = page.surface();
            for op in &ops {
                draw(&mut surface, faces, op);
            }
            let footer_y = PAGE_HEIGHT - MARGIN + 4.0;
            draw(
                &mut surface,
                faces,
                &Op::Line {
                    from: (MARGIN, footer_y - 10.0),
                    to: (PAGE_WIDTH - MARGIN, footer_y - 10.0),
                    width: 0.4,
                },
            );
            draw(
                &mut surface,
                faces,
                &Op::Text {
                    x: MARGIN,
                    y: footer_y,
                    size: footer_style.size,
                    weight: Weight::Regular,
                    text: footer.to_owned(),
                },
            );
            let number = format!("Halaman {} dari {count}", index + 1);
            let width = faces.regular.width(&number, footer_style.size);
            draw(
                &mut surface,
                faces,
                &Op::Text {
                    x: PAGE_WIDTH - MARGIN - width,
                    y: footer_y,
                    size: footer_style.size,
                    weight: Weight::Regular,
                    text: number,
                },
            );
            surface.finish();
            page.finish();
        }
        Ok(document.finish()?)
    }
}

fn row_height(cells: &[Vec<String>], style: Style) -> f32 {
    let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    lines as f32 * style.leading() + 2.0 * CELL_PAD - (style.leading() - style.size) + 2.0
}

fn draw(surface: &mut Surface<'_>, faces: &Faces, op: &Op) {
    match op {
        Op::Text {
            x,
            y,
            size,
            weight,
            text,
        } => {
            let face = match weight {
                Weight::Regular => &faces.regular,
                Weight::Bold => &faces.bold,
            };
            surface.set_fill(Some(Fill::default()));
            surface.draw_text(
                Point::from_xy(*x, *y),
                face.font.clone(),
                *size,
                text,
                false,
                TextDirection::Auto,
            );
        }
        Op::Line { from, to, width } => {
            let mut path = PathBuilder::new();
            path.move_to(from.0, from.1);
            path.line_to(to.0, to.1);
            if let Some(path) = path.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    width: *width,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Shade { rect: (x, y, w, h) } => {
            let mut path = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                path.push_rect(rect);
            }
            if let Some(path) = path.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(Fill {
                    paint: luma::Color::new(225).into(),
                    ..Fill::default()
                }));
                surface.draw_path(&path);
            }
        }
    }
}

/// Breaks `text` into lines no wider than `width`: at spaces, at the text's own line breaks,
/// and inside a word only when the word alone is too wide (a long link or hash).
pub fn wrap(text: &str, style: Style, width: f32) -> Result<Vec<String>, PaperError> {
    let face = face(style.weight)?;
    let fits = |s: &str| face.width(s, style.size) <= width;
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if fits(&candidate) {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if fits(word) {
                line = word.to_owned();
                continue;
            }
            for c in word.chars() {
                line.push(c);
                if !fits(&line) && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                }
            }
        }
        lines.push(line);
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_word_and_respects_the_width() {
        let text = "Pengumuman — Jadwal Registrasi Ulang ‘Jalur Mandiri’ é bagi seluruh calon mahasiswa baru Universitas Jember";
        let style = Style::regular(9.0);
        let lines = wrap(text, style, 120.0).expect("the font loads");
        assert!(lines.len() > 2, "{lines:?}");
        let face = face(Weight::Regular).expect("the font loads");
        assert!(
            lines.iter().all(|l| face.width(l, 9.0) <= 120.0),
            "{lines:?}"
        );
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn a_word_wider_than_the_column_is_broken() {
        let hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let lines = wrap(hash, Style::regular(8.0), 60.0).expect("the font loads");
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), hash);
    }

    #[test]
    fn a_long_table_spans_pages_and_renders() {
        let mut sheet = Sheet::new("uji");
        let columns = [
            Column {
                title: "No",
                width: 30.0,
            },
            Column {
                title: "Isi",
                width: 200.0,
            },
        ];
        let rows: Vec<Vec<String>> = (0..120)
            .map(|i| vec![i.to_string(), format!("Baris ke-{i} — catatan")])
            .collect();
        sheet
            .table(&columns, &rows, Style::regular(8.0))
            .expect("lays out");
        assert!(sheet.pages.len() > 1);
        let pdf = sheet.finish("Warta").expect("renders");
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
