//! Court documents as PDF: a small layout engine (A4 portrait, Chinese line breaking,
//! automatic pages) and a PDF writer that embeds a subset of a CJK font.
//!
//! Documents are served electronically and the SHA-256 of exactly the bytes served is
//! recorded (DOMAIN.md §5), so rendering is deterministic: the same [`Document`] and the
//! same font give byte-identical output. Nothing here reads the clock or a random source,
//! nothing iterates a hash map into the output, and the PDF's `/ID` is a hash of the content.
//!
//! The font is embedded as a subset (only the glyphs a document uses, through typst's
//! `subsetter`) with a `/ToUnicode` map, so the text renders the same on any phone and can be
//! searched and copied. Noto CJK is CFF-based OpenType: its subset is embedded as a CID-keyed
//! CFF program (`CIDFontType0`, `FontFile3 /CIDFontType0C`); a TrueType-outline font is
//! embedded as `CIDFontType2` (`FontFile2`). Either way text is written with `Identity-H`,
//! two bytes per glyph, and the code is the glyph's id in the subset (the subsetter makes
//! CID = new glyph id).
//!
//! Rendering a notice takes a few milliseconds of CPU: call it from `spawn_blocking`.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

use pdf_writer::types::{CidFontType, FontFlags, LineCapStyle, SystemInfo, TextRenderingMode, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::{Digest, Sha256};
use subsetter::GlyphRemapper;
use ttf_parser::{name_id, Face, Tag};

// ---------------------------------------------------------------------------------------------
// The font
// ---------------------------------------------------------------------------------------------

/// Where Debian installs CJK fonts, best first for official documents: a Song (serif, 宋体-like)
/// face, then sans faces. `fonts-noto-cjk` provides the first two.
pub const FONT_CANDIDATES: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
];

/// What a document shows for a character the font lacks: a white square, as a reader
/// expects for "missing", or a question mark if even that is missing.
const SUBSTITUTES: [char; 2] = ['\u{25A1}', '?'];

/// Text a font must have and be able to embed to be accepted: Chinese, digits, Latin letters
/// and the punctuation every notice uses. (Droid Sans Fallback, for one, has no digits.)
const PROBE_TEXT: &str =
    "中华人民共和国民事诉讼法第一二三四五六七八九十条号案（）《》，。、；：“”0123456789abcdefABCDEF";

/// Why a font could not be loaded. Messages are Chinese first, English after.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// None of the usual locations has a CJK font.
    #[error("找不到中文字体（Chinese font not found: install fonts-noto-cjk or set POCKET_COURT_PDF_FONT; looked in {looked}）")]
    NotFound { looked: String },
    /// The file could not be read.
    #[error("读不了字体文件 {}（cannot read the font file {}: {source}）", .path.display(), .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not an OpenType/TrueType font or collection.
    #[error("{} 不是可用的字体文件（{} is not a usable font file）", .path.display(), .path.display())]
    NotAFont { path: PathBuf },
    /// The font has no glyphs for Chinese text.
    #[error("字体 {} 没有中文字形（the font {} has no Chinese glyphs）", .path.display(), .path.display())]
    NoChinese { path: PathBuf },
    /// The font lacks characters every notice uses (digits, Latin letters, punctuation).
    #[error("字体 {} 缺少常用字符“{missing}”（the font {} lacks common characters: {missing}）", .path.display(), .path.display())]
    Incomplete { path: PathBuf, missing: String },
    /// The font cannot be subset for embedding (e.g. a CFF2 variable font).
    #[error("字体 {} 无法嵌入 PDF（the font {} cannot be embedded in a PDF: {reason}）", .path.display(), .path.display())]
    CannotEmbed { path: PathBuf, reason: String },
}

/// A glyph of the font: its id and advance width in thousandths of an em.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FontGlyph {
    gid: u16,
    advance: u16,
}

/// A CJK font, read and checked once, then shared by every rendering (it is `Send + Sync`).
///
/// Holds the whole font file (about 26 MB for Noto Serif CJK) because each document embeds a
/// different subset of it, and a table from every character the face maps to its glyph.
pub struct PdfFont {
    data: Vec<u8>,
    index: u32,
    path: PathBuf,
    family: String,
    /// PostScript name, ASCII letters, digits and '-' only (it becomes a PDF name).
    postscript_name: String,
    cff: bool,
    serif: bool,
    glyphs: HashMap<char, FontGlyph>,
    substitute: FontGlyph,
    /// In thousandths of an em.
    ascent: f32,
    descent: f32,
    cap_height: f32,
    bbox: [f32; 4],
    /// Top of the ideographic em box above the baseline, in ems (0.88 for Noto CJK).
    em_top: f32,
}

impl std::fmt::Debug for PdfFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfFont")
            .field("path", &self.path)
            .field("index", &self.index)
            .field("family", &self.family)
            .field("cff", &self.cff)
            .finish_non_exhaustive()
    }
}

impl PdfFont {
    /// Loads the font at `path`, or with `None` the first usable one of [`FONT_CANDIDATES`].
    /// In a collection (`.ttc`) it picks the Simplified Chinese face (Noto's "… CJK SC").
    ///
    /// Checks that the font has Chinese glyphs, digits and Latin letters and can be subset, so
    /// that rendering with it cannot fail later. Reads tens of MB and indexes every character:
    /// load once at start, off the async runtime.
    pub fn load(path: Option<&Path>) -> Result<PdfFont, PdfError> {
        if let Some(path) = path {
            return Self::load_file(path);
        }
        let mut first_error = None;
        for candidate in FONT_CANDIDATES.iter().map(Path::new).filter(|p| p.exists()) {
            match Self::load_file(candidate) {
                Ok(font) => return Ok(font),
                Err(e) => {
                    tracing::warn!(font = %candidate.display(), error = %e, "CJK font not usable");
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| PdfError::NotFound { looked: FONT_CANDIDATES.join(", ") }))
    }

    fn load_file(path: &Path) -> Result<PdfFont, PdfError> {
        let data = std::fs::read(path).map_err(|source| PdfError::Read { path: path.to_owned(), source })?;
        let not_a_font = || PdfError::NotAFont { path: path.to_owned() };
        let index = pick_face(&data).ok_or_else(not_a_font)?;
        let face = Face::parse(&data, index).map_err(|_| not_a_font())?;
        if face.glyph_index('中').is_none() {
            return Err(PdfError::NoChinese { path: path.to_owned() });
        }
        let scale = 1000.0 / f32::from(face.units_per_em().max(1));
        let glyphs = glyph_table(&face, scale);
        let missing: String = PROBE_TEXT.chars().filter(|c| !glyphs.contains_key(c)).collect();
        if !missing.is_empty() {
            return Err(PdfError::Incomplete { path: path.to_owned(), missing });
        }
        let substitute = SUBSTITUTES
            .iter()
            .find_map(|c| glyphs.get(c).copied())
            .unwrap_or(FontGlyph { gid: 0, advance: 1000 });
        let family = family_name(&face).unwrap_or_else(|| "CJK".to_owned());
        let postscript_name = face
            .names()
            .into_iter()
            .filter(|n| n.name_id == name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
            .map(|n| n.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect::<String>())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "CJKFont".to_owned());
        let serif = ["Serif", "Song", "Ming", "宋"].iter().any(|s| family.contains(s));
        let bb = face.global_bounding_box();
        let font = PdfFont {
            index,
            path: path.to_owned(),
            family,
            postscript_name,
            cff: face.raw_face().table(Tag::from_bytes(b"CFF ")).is_some(),
            serif,
            substitute,
            ascent: f32::from(face.ascender()) * scale,
            descent: f32::from(face.descender()) * scale,
            cap_height: f32::from(face.capital_height().unwrap_or(face.ascender())) * scale,
            bbox: [bb.x_min, bb.y_min, bb.x_max, bb.y_max].map(|v| f32::from(v) * scale),
            em_top: face
                .typographic_ascender()
                .map_or(0.88, |a| f32::from(a) * scale / 1000.0)
                .clamp(0.5, 1.2),
            glyphs,
            // `face` borrows the bytes; they move in once it is done with.
            data: Vec::new(),
        };
        let font = PdfFont { data, ..font };
        // Prove now that a subset can be made, so `render` never meets a font it cannot embed.
        let mut probe = GlyphRemapper::new();
        for c in PROBE_TEXT.chars() {
            probe.remap(font.glyph(c).gid);
        }
        subsetter::subset(&font.data, font.index, &probe)
            .map_err(|e| PdfError::CannotEmbed { path: path.to_owned(), reason: e.to_string() })?;
        Ok(font)
    }

    /// The file the font was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The family name of the face in use, e.g. "Noto Serif CJK SC".
    pub fn family(&self) -> &str {
        &self.family
    }

    /// The glyph for `c`, or the substitute (□) if the font lacks it.
    fn glyph(&self, c: char) -> FontGlyph {
        self.glyphs.get(&c).copied().unwrap_or(self.substitute)
    }

    /// The character the substitute glyph stands for, for `/ToUnicode`.
    fn substitute_char(&self) -> char {
        SUBSTITUTES.iter().copied().find(|c| self.glyphs.contains_key(c)).unwrap_or('\u{FFFD}')
    }
}

/// The face to use in a font file: in a collection, the Simplified Chinese one if its name
/// says so ("Noto Serif CJK SC"), else the first face with Chinese glyphs that is not a
/// monospaced variant. `None` if no face parses.
fn pick_face(data: &[u8]) -> Option<u32> {
    let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    (0..count)
        .filter_map(|index| {
            let face = Face::parse(data, index).ok()?;
            let family = family_name(&face).unwrap_or_default();
            let score = if face.glyph_index('中').is_none() {
                0
            } else if family.ends_with(" SC") || family.contains("SC ") {
                3
            } else if family.contains("Mono") {
                1
            } else {
                2
            };
            Some((score, index))
        })
        // Highest score; among equals, the first face.
        .max_by_key(|&(score, index)| (score, std::cmp::Reverse(index)))
        .map(|(_, index)| index)
}

/// The family name in English if the font has it (typographic family first).
fn family_name(face: &Face) -> Option<String> {
    let names: Vec<_> = face.names().into_iter().collect();
    [name_id::TYPOGRAPHIC_FAMILY, name_id::FAMILY].iter().find_map(|&id| {
        let of_id = || names.iter().filter(move |n| n.name_id == id);
        of_id()
            .filter(|n| n.language_id == 0x0409)
            .find_map(|n| n.to_string())
            .or_else(|| of_id().find_map(|n| n.to_string()))
    })
}

/// Every character the face maps, with its glyph and advance (in thousandths of an em).
fn glyph_table(face: &Face, scale: f32) -> HashMap<char, FontGlyph> {
    let mut table = HashMap::new();
    let Some(cmap) = face.tables().cmap else { return table };
    for subtable in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
        subtable.codepoints(|cp| {
            let (Some(c), Some(gid)) = (char::from_u32(cp), subtable.glyph_index(cp)) else { return };
            let advance = face.glyph_hor_advance(gid).map_or(1000.0, |a| f32::from(a) * scale);
            table
                .entry(c)
                .or_insert(FontGlyph { gid: gid.0, advance: advance.round().clamp(0.0, 4000.0) as u16 });
        });
    }
    table
}

// ---------------------------------------------------------------------------------------------
// The document model
// ---------------------------------------------------------------------------------------------

/// A document to lay out: blocks top to bottom, on as many A4 pages as they need.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    /// The document's title (PDF metadata; a viewer shows it in its title bar).
    pub title: String,
    /// The content, in order.
    pub blocks: Vec<Block>,
    /// A small line at the foot of every page, above the page number ("第 1 页 共 2 页").
    pub footer: Option<String>,
}

/// One piece of a document. Text may hold any characters: a character the font lacks
/// prints as □, control characters are dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// The court's name at the top, centred, large and bold.
    CourtHeader(String),
    /// The document's name (受理通知书), centred, large and bold.
    Title(String),
    /// The case number (案号), right-aligned under the title.
    CaseNumber(String),
    /// A bold heading on its own line, kept on the same page as what follows it.
    Heading(String),
    /// Body text: first line indented by two characters, justified. A `\n` starts a new
    /// paragraph.
    Paragraph(String),
    /// Body text without indent, e.g. the addressee ("张三："). A `\n` starts a new line.
    Plain(String),
    /// A label and its value ("文书名称：" "受理通知书"); consecutive rows align their values.
    /// A `\n` in the value starts a new line.
    Field { label: String, value: String },
    /// Text that may break between any two characters (hashes, signatures), in a smaller
    /// size under an optional label on its own line.
    Code { label: String, text: String },
    /// The court and the date at the end of a document, right-aligned, kept together.
    Signature { court: String, date: String },
    /// Small print.
    Note(String),
    /// A thin horizontal line across the text width.
    Rule,
    /// A picture (a drawn signature): a PNG set `height_mm` high at the left margin, as wide
    /// as its proportions make it (at most the text width). One that cannot be decoded
    /// prints as a line saying so.
    Image { png: Vec<u8>, height_mm: u16 },
}

// ---------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------

const MM: f32 = 72.0 / 25.4;
/// A4 portrait, in points.
const PAGE_WIDTH: f32 = 210.0 * MM;
const PAGE_HEIGHT: f32 = 297.0 * MM;
const MARGIN_X: f32 = 25.0 * MM;
const MARGIN_TOP: f32 = 25.0 * MM;
const MARGIN_BOTTOM: f32 = 25.0 * MM;
const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;
/// Baseline of the page number, above the bottom edge.
const PAGE_NUMBER_BASELINE: f32 = 12.0 * MM;
const FOOTER_SIZE: f32 = 9.0;
const FOOTER_MAX_LINES: usize = 2;

/// How text of one kind is set: size in points, line height as a multiple of it, space
/// before the block in points.
#[derive(Clone, Copy)]
struct Style {
    size: f32,
    leading: f32,
    bold: bool,
    space_before: f32,
}

const COURT_HEADER: Style = Style { size: 22.0, leading: 1.5, bold: true, space_before: 0.0 };
const TITLE: Style = Style { size: 26.0, leading: 1.5, bold: true, space_before: 4.0 };
const CASE_NUMBER: Style = Style { size: 14.0, leading: 1.6, bold: false, space_before: 4.0 };
const HEADING: Style = Style { size: 15.0, leading: 1.6, bold: true, space_before: 10.0 };
const BODY: Style = Style { size: 13.0, leading: 1.7, bold: false, space_before: 2.0 };
const FIELD: Style = Style { size: 12.5, leading: 1.6, bold: false, space_before: 0.0 };
const CODE: Style = Style { size: 10.5, leading: 1.45, bold: false, space_before: 0.0 };
const SIGNATURE: Style = Style { size: 13.0, leading: 1.7, bold: false, space_before: 30.0 };
const NOTE: Style = Style { size: 10.5, leading: 1.55, bold: false, space_before: 8.0 };
/// Never stretch a justified line's letters by more than this share of an em: a wider gap
/// would read (and extract) as a space.
const MAX_JUSTIFY_EM: f32 = 0.2;
/// Never tighten a line by more than this share of an em per character.
const MAX_SQUEEZE_EM: f32 = 0.04;

/// A character as set: its glyph in the font and its advance in thousandths of an em.
#[derive(Clone, Copy, Debug)]
struct Shaped {
    ch: char,
    gid: u16,
    advance: f32,
}

/// A run of glyphs at one position on a line.
#[derive(Clone, Debug)]
struct Run {
    x: f32,
    size: f32,
    bold: bool,
    /// Extra space after each glyph (the PDF's `Tc`), in points.
    spacing: f32,
    glyphs: Vec<Shaped>,
}

impl Run {
    fn width(&self) -> f32 {
        let n = self.glyphs.len() as f32;
        let advances: f32 = self.glyphs.iter().map(|g| g.width(self.size)).sum();
        advances + self.spacing * (n - 1.0).max(0.0)
    }
}

impl Shaped {
    /// The width the glyph takes at `size`, in points.
    fn width(&self, size: f32) -> f32 {
        self.advance * size / 1000.0
    }
}

/// One line of the flow: its height, its runs (or a rule) and whether it must stay on the
/// same page as the next line.
#[derive(Clone, Debug)]
struct Line {
    height: f32,
    /// From the top of the line box to the baseline.
    baseline: f32,
    space_before: f32,
    runs: Vec<Run>,
    rule: bool,
    keep_with_next: bool,
    /// A picture on this line: the block it comes from, where, how big (points).
    picture: Option<Picture>,
}

#[derive(Clone, Copy, Debug)]
struct Picture {
    block: usize,
    x: f32,
    width: f32,
    height: f32,
}

/// A line placed on a page: `top` is measured down from the top of the page.
#[derive(Clone, Debug)]
struct Placed {
    top: f32,
    line: Line,
}

/// The characters of `text` as set in `font`; control characters and variation selectors are
/// dropped, tabs become spaces.
fn shape(font: &PdfFont, text: &str) -> Vec<Shaped> {
    text.chars()
        .filter_map(|ch| {
            let ch = if ch == '\t' { ' ' } else { ch };
            let invisible = ch.is_control()
                || matches!(ch, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' | '\u{200B}'..='\u{200D}' | '\u{FEFF}');
            if invisible {
                return None;
            }
            let g = font.glyph(ch);
            Some(Shaped { ch, gid: g.gid, advance: f32::from(g.advance) })
        })
        .collect()
}

/// Characters that may not start a line (行首禁则, GB/T 15834 punctuation): closing marks.
fn no_line_start(c: char) -> bool {
    "，。、；：？！）】」』〕〉》”’…—～·．,.;:?!)]}%‰℃々ー〜".contains(c)
}

/// Characters that may not end a line: opening marks.
fn no_line_end(c: char) -> bool {
    "（【「『〔〈《“‘([{￥¥$".contains(c)
}

/// Text that may break before or after any character: Chinese, Japanese and Korean
/// characters, and the punctuation used with them.
fn breaks_anywhere(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{9FFF}'      // CJK radicals, punctuation, kana, unified ideographs
        | '\u{AC00}'..='\u{D7AF}'    // Hangul syllables
        | '\u{F900}'..='\u{FAFF}'    // CJK compatibility ideographs
        | '\u{FE30}'..='\u{FE4F}'    // CJK compatibility forms
        | '\u{FF00}'..='\u{FFEF}'    // full-width forms
        | '\u{20000}'..='\u{3FFFF}'  // CJK extensions B and beyond
        | '\u{2010}'..='\u{2027}'    // dashes, quotes, ellipsis
        | '\u{00B7}' | '\u{25A1}')
}

/// A Chinese character proper (not punctuation).
fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}')
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{3000}' || c == '\u{00A0}'
}

/// Whether a line may break between `glyphs[i - 1]` and `glyphs[i]` in running text: at a
/// space, around Chinese characters unless punctuation forbids it, never inside a Latin
/// word or a number, nor between a number and the character it counts with ("第99条",
/// "7日").
fn may_break_before(glyphs: &[Shaped], i: usize) -> bool {
    let (prev, cur) = (glyphs[i - 1].ch, glyphs[i].ch);
    if is_space(cur) {
        return false;
    }
    if is_space(prev) {
        return true;
    }
    let punctuation_forbids = no_line_start(cur) || no_line_end(prev);
    let number_and_unit =
        (prev.is_ascii_digit() && is_ideograph(cur)) || (is_ideograph(prev) && cur.is_ascii_digit());
    !punctuation_forbids && !number_and_unit && (breaks_anywhere(prev) || breaks_anywhere(cur))
}

/// How much a line may be tightened to take closing punctuation that would otherwise start
/// the next line (推入): at most `per_item` for each character on the line, `max` in all.
#[derive(Clone, Copy)]
struct Squeeze {
    per_item: f32,
    max: f32,
}

/// Splits `widths` into lines no wider than `first` (the first line) and `rest`, breaking
/// only where `may_break(i)` allows (before item `i`) unless a line has no such place. Spaces
/// (`space(i)`) at the end of a line hang past the edge and are dropped; at the start of a
/// line they are skipped. Items that `squeezable(i)` may go on a full line within `squeeze`
/// (the line is then set tighter). Every item lands in a line, however narrow the width.
fn break_lines(
    widths: &[f32],
    first: f32,
    rest: f32,
    space: impl Fn(usize) -> bool,
    may_break: impl Fn(usize) -> bool,
    squeezable: impl Fn(usize) -> bool,
    squeeze: Squeeze,
) -> Vec<Range<usize>> {
    const EPSILON: f32 = 0.01;
    let n = widths.len();
    let mut lines = Vec::new();
    let mut start = 0;
    loop {
        while start < n && space(start) {
            start += 1;
        }
        if start >= n {
            break;
        }
        let limit = if lines.is_empty() { first } else { rest };
        let (mut end, mut used) = (start, 0.0);
        while end < n && used + widths[end] <= limit + EPSILON {
            used += widths[end];
            end += 1;
        }
        let budget = (squeeze.per_item * (end - start) as f32).min(squeeze.max);
        while end < n && squeezable(end) && used + widths[end] <= limit + budget {
            used += widths[end];
            end += 1;
        }
        while end < n && space(end) {
            end += 1;
        }
        if end >= n {
            lines.push(start..trim_spaces(start, n, &space));
            break;
        }
        let mut at = end;
        while at > start && !may_break(at) {
            at -= 1;
        }
        if at == start {
            // No allowed break on the line (a long number or hash): cut where it is full.
            at = end.max(start + 1);
        }
        lines.push(start..trim_spaces(start, at, &space));
        start = at;
    }
    lines
}

fn trim_spaces(start: usize, mut end: usize, space: impl Fn(usize) -> bool) -> usize {
    while end > start && space(end - 1) {
        end -= 1;
    }
    end
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Centre,
    Right,
    Justify,
}

/// Lays out a piece of running text: lines starting at `x`, `width` wide, the first
/// indented by `indent`.
fn text_lines(
    font: &PdfFont,
    text: &str,
    style: Style,
    x: f32,
    width: f32,
    indent: f32,
    align: Align,
) -> Vec<Line> {
    let glyphs = shape(font, text);
    let widths: Vec<f32> = glyphs.iter().map(|g| g.width(style.size)).collect();
    let ranges = break_lines(
        &widths,
        (width - indent).max(style.size),
        width,
        |i| is_space(glyphs[i].ch),
        |i| may_break_before(&glyphs, i),
        |i| no_line_start(glyphs[i].ch) && breaks_anywhere(glyphs[i].ch),
        Squeeze { per_item: MAX_SQUEEZE_EM * style.size, max: style.size },
    );
    let count = ranges.len();
    ranges
        .into_iter()
        .enumerate()
        .map(|(i, range)| {
            let line_x = if i == 0 { x + indent } else { x };
            let avail = if i == 0 { width - indent } else { width };
            let mut run = Run {
                x: line_x,
                size: style.size,
                bold: style.bold,
                spacing: 0.0,
                glyphs: glyphs[range].to_vec(),
            };
            let natural = run.width();
            let gaps = run.glyphs.len().saturating_sub(1) as f32;
            if natural > avail && gaps > 0.0 {
                // Squeezed to take a closing mark: set the line a little tighter.
                run.spacing = (avail - natural) / gaps;
            }
            match align {
                Align::Left => {}
                Align::Centre => run.x = x + ((width - run.width()) / 2.0).max(0.0),
                Align::Right => run.x = x + (width - run.width()).max(0.0),
                Align::Justify => {
                    let spacing = (avail - natural) / gaps.max(1.0);
                    if i + 1 < count && gaps > 0.0 && spacing > 0.0 && spacing <= MAX_JUSTIFY_EM * style.size
                    {
                        run.spacing = spacing;
                    }
                }
            }
            line_of(font, style, vec![run])
        })
        .collect()
}

/// A line box for runs of `style`.
fn line_of(font: &PdfFont, style: Style, runs: Vec<Run>) -> Line {
    let height = style.size * style.leading;
    let baseline = (height - style.size) / 2.0 + font.em_top * style.size;
    Line { height, baseline, space_before: 0.0, runs, rule: false, keep_with_next: false, picture: None }
}

/// Sets the space before the first line of a block.
fn with_space_before(mut lines: Vec<Line>, space: f32) -> Vec<Line> {
    if let Some(first) = lines.first_mut() {
        first.space_before = space;
    }
    lines
}

/// The lines of code-like text (a hash), breaking between any two characters. Proportional,
/// not fixed-pitch: padding glyphs to a pitch opens gaps that text extraction reads as spaces.
fn code_lines(font: &PdfFont, text: &str, x: f32, width: f32) -> Vec<Line> {
    let glyphs = shape(font, text);
    let widths: Vec<f32> = glyphs.iter().map(|g| g.width(CODE.size)).collect();
    break_lines(&widths, width, width, |_| false, |_| true, |_| false, Squeeze { per_item: 0.0, max: 0.0 })
        .into_iter()
        .map(|range| {
            let run = Run { x, size: CODE.size, bold: false, spacing: 0.0, glyphs: glyphs[range].to_vec() };
            line_of(font, CODE, vec![run])
        })
        .collect()
}

/// The label column of the run of fields `blocks` starts with: the widest label, at most
/// 40 % of the text width. Consecutive fields share it, so their values line up.
fn field_run_column(font: &PdfFont, blocks: &[Block]) -> f32 {
    blocks
        .iter()
        .map_while(|b| match b {
            Block::Field { label, .. } => Some(label),
            _ => None,
        })
        .map(|l| shape(font, l).iter().map(|g| g.width(FIELD.size)).sum::<f32>())
        .fold(0.0, f32::max)
        .min(TEXT_WIDTH * 0.4)
}

/// A label and its value, side by side; both wrap in their own column.
fn field_lines(font: &PdfFont, label: &str, value: &str, column: f32) -> Vec<Line> {
    let value_x = MARGIN_X + column;
    let value_width = TEXT_WIDTH - column;
    let label_lines = text_lines(font, label, FIELD, MARGIN_X, column.max(FIELD.size), 0.0, Align::Left);
    let value_lines: Vec<Line> = value
        .split('\n')
        .flat_map(|v| text_lines(font, v, FIELD, value_x, value_width, 0.0, Align::Left))
        .collect();
    let rows = label_lines.len().max(value_lines.len()).max(1);
    let mut labels = label_lines.into_iter();
    let mut values = value_lines.into_iter();
    (0..rows)
        .map(|_| {
            let runs = labels.next().into_iter().chain(values.next()).flat_map(|l| l.runs).collect();
            line_of(font, FIELD, runs)
        })
        .collect()
}

/// Every block as lines, in order.
fn flow(font: &PdfFont, doc: &Document) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    // The label column of the current run of fields, and where its lines start.
    let mut column = 0.0;
    let mut run_start = 0;
    for (i, block) in doc.blocks.iter().enumerate() {
        let block_lines = match block {
            Block::CourtHeader(text) => with_space_before(
                text_lines(font, text, COURT_HEADER, MARGIN_X, TEXT_WIDTH, 0.0, Align::Centre),
                COURT_HEADER.space_before,
            ),
            Block::Title(text) => with_space_before(
                text_lines(font, text, TITLE, MARGIN_X, TEXT_WIDTH, 0.0, Align::Centre),
                TITLE.space_before,
            ),
            Block::CaseNumber(text) => with_space_before(
                text_lines(font, text, CASE_NUMBER, MARGIN_X, TEXT_WIDTH, 0.0, Align::Right),
                CASE_NUMBER.space_before,
            ),
            Block::Heading(text) => {
                let mut heading = with_space_before(
                    text_lines(font, text, HEADING, MARGIN_X, TEXT_WIDTH, 0.0, Align::Left),
                    HEADING.space_before,
                );
                heading.iter_mut().for_each(|l| l.keep_with_next = true);
                heading
            }
            Block::Paragraph(text) => text
                .split('\n')
                .flat_map(|p| {
                    let indent = 2.0 * BODY.size;
                    with_space_before(
                        text_lines(font, p, BODY, MARGIN_X, TEXT_WIDTH, indent, Align::Justify),
                        BODY.space_before,
                    )
                })
                .collect(),
            Block::Plain(text) => with_space_before(
                text.split('\n')
                    .flat_map(|p| text_lines(font, p, BODY, MARGIN_X, TEXT_WIDTH, 0.0, Align::Left))
                    .collect(),
                BODY.space_before,
            ),
            Block::Field { label, value } => {
                let first_of_run = i == 0 || !matches!(doc.blocks[i - 1], Block::Field { .. });
                if first_of_run {
                    column = field_run_column(font, &doc.blocks[i..]);
                    run_start = lines.len();
                }
                let space = if first_of_run { 6.0 } else { FIELD.space_before };
                with_space_before(field_lines(font, label, value, column), space)
            }
            Block::Code { label, text } => {
                let mut out = Vec::new();
                if !label.trim().is_empty() {
                    let mut head = text_lines(font, label, FIELD, MARGIN_X, TEXT_WIDTH, 0.0, Align::Left);
                    head.iter_mut().for_each(|l| l.keep_with_next = true);
                    out.extend(head);
                }
                let indent = 2.0 * FIELD.size;
                out.extend(code_lines(font, text, MARGIN_X + indent, TEXT_WIDTH - indent));
                with_space_before(out, 6.0)
            }
            Block::Signature { court, date } => {
                // The signature never stands alone on a page: the line before goes with it.
                if let Some(last) = lines.last_mut() {
                    last.keep_with_next = true;
                }
                let mut sig = signature_lines(font, court, date);
                let last = sig.len().saturating_sub(1);
                sig.iter_mut().take(last).for_each(|l| l.keep_with_next = true);
                with_space_before(sig, SIGNATURE.space_before)
            }
            Block::Note(text) => with_space_before(
                text.split('\n')
                    .flat_map(|p| text_lines(font, p, NOTE, MARGIN_X, TEXT_WIDTH, 0.0, Align::Left))
                    .collect(),
                NOTE.space_before,
            ),
            Block::Rule => vec![Line {
                height: 12.0,
                baseline: 6.0,
                space_before: 4.0,
                runs: Vec::new(),
                rule: true,
                keep_with_next: false,
                picture: None,
            }],
            Block::Image { png, height_mm } => match decode_png(png) {
                Ok(r) => {
                    // A picture stays on the page of the fields that name it (or the line
                    // before it).
                    let from = if i > 0 && matches!(doc.blocks[i - 1], Block::Field { .. }) {
                        run_start
                    } else {
                        lines.len().saturating_sub(1)
                    };
                    lines.iter_mut().skip(from).for_each(|l| l.keep_with_next = true);
                    let mut height = f32::from(*height_mm) * MM;
                    let mut width = height * r.width as f32 / r.height as f32;
                    if width > TEXT_WIDTH {
                        height *= TEXT_WIDTH / width;
                        width = TEXT_WIDTH;
                    }
                    vec![Line {
                        height: height + 4.0,
                        baseline: height + 2.0,
                        space_before: 4.0,
                        runs: Vec::new(),
                        rule: false,
                        keep_with_next: false,
                        picture: Some(Picture { block: i, x: MARGIN_X, width, height }),
                    }]
                }
                Err(_) => text_lines(font, "（图像无法显示）", NOTE, MARGIN_X, TEXT_WIDTH, 0.0, Align::Left),
            },
        };
        lines.extend(block_lines);
    }
    lines
}

/// The court's name over the date, the two centred on each other and the pair set at the
/// right, two characters in from the margin (where the seal goes).
fn signature_lines(font: &PdfFont, court: &str, date: &str) -> Vec<Line> {
    let right_pad = 2.0 * SIGNATURE.size;
    let width = TEXT_WIDTH - right_pad;
    let mut lines: Vec<Line> = [court, date]
        .iter()
        .filter(|t| !t.trim().is_empty())
        .flat_map(|t| text_lines(font, t, SIGNATURE, MARGIN_X, width, 0.0, Align::Left))
        .collect();
    let block = lines.iter().flat_map(|l| &l.runs).map(Run::width).fold(0.0, f32::max);
    let left = MARGIN_X + (width - block).max(0.0);
    for run in lines.iter_mut().flat_map(|l| &mut l.runs) {
        run.x = left + (block - run.width()) / 2.0;
    }
    lines
}

/// The footer's lines (small, centred, at most two: the rest is cut), then the page number.
fn footer_lines(font: &PdfFont, footer: Option<&str>) -> Vec<Line> {
    let style = Style { size: FOOTER_SIZE, leading: 1.4, bold: false, space_before: 0.0 };
    let mut lines = footer
        .map_or_else(Vec::new, |f| text_lines(font, f, style, MARGIN_X, TEXT_WIDTH, 0.0, Align::Centre));
    lines.truncate(FOOTER_MAX_LINES);
    lines
}

/// Cuts the flow into pages. A line that does not fit starts a new page; so does a chain of
/// lines kept together (a heading and the line after it, a signature) that would fit on a
/// page of its own. Space before a line is dropped at the top of a page.
fn paginate(lines: Vec<Line>, body_bottom: f32) -> Vec<Vec<Placed>> {
    let body_height = body_bottom - MARGIN_TOP;
    let mut pages = vec![Vec::new()];
    let mut y = 0.0_f32;
    for i in 0..lines.len() {
        let line = &lines[i];
        let chain_end = lines[i..].iter().position(|l| !l.keep_with_next).map_or(lines.len(), |p| i + p + 1);
        let chain: f32 = line.space_before
            + line.height
            + lines[i + 1..chain_end].iter().map(|l| l.space_before + l.height).sum::<f32>();
        let at_top = y == 0.0;
        let need = if chain <= body_height { chain } else { line.space_before + line.height };
        if !at_top && y + need > body_height {
            pages.push(Vec::new());
            y = 0.0;
        }
        if y > 0.0 {
            y += line.space_before;
        }
        if let Some(page) = pages.last_mut() {
            page.push(Placed { top: MARGIN_TOP + y, line: line.clone() });
        }
        y += line.height;
    }
    pages
}

// ---------------------------------------------------------------------------------------------
// Writing the PDF
// ---------------------------------------------------------------------------------------------

const FONT_RESOURCE: &[u8] = b"F1";

/// Renders `doc` as a PDF with `font` embedded as a subset. Deterministic: the same input
/// gives the same bytes.
pub fn render(font: &PdfFont, doc: &Document) -> Vec<u8> {
    let footer = footer_lines(font, doc.footer.as_deref());
    let footer_height: f32 = footer.iter().map(|l| l.height).sum();
    let body_bottom = (PAGE_HEIGHT - PAGE_NUMBER_BASELINE - FOOTER_SIZE - footer_height - 8.0)
        .min(PAGE_HEIGHT - MARGIN_BOTTOM);
    let mut pages = paginate(flow(font, doc), body_bottom);
    let total = pages.len();
    for (n, page) in pages.iter_mut().enumerate() {
        let number_style = Style { size: FOOTER_SIZE, leading: 1.4, bold: false, space_before: 0.0 };
        let number = text_lines(
            font,
            &format!("第 {} 页 共 {} 页", n + 1, total),
            number_style,
            MARGIN_X,
            TEXT_WIDTH,
            0.0,
            Align::Centre,
        );
        let mut top =
            PAGE_HEIGHT - PAGE_NUMBER_BASELINE - number.first().map_or(0.0, |l| l.baseline) - footer_height;
        for line in footer.iter().chain(&number) {
            page.push(Placed { top, line: line.clone() });
            top += line.height;
        }
    }
    write_pdf(font, doc, &pages)
}

/// The glyphs of the subset, in order of first use: old glyph id -> new id (= CID), and the
/// character each new id stands for.
struct Subset {
    remapper: GlyphRemapper,
    /// Glyphs the subsetter could not take; they print as the substitute.
    dropped: Vec<u16>,
    to_unicode: BTreeMap<u16, char>,
    program: Option<Vec<u8>>,
}

impl Subset {
    fn new_gid(&self, old: u16, substitute: u16) -> u16 {
        let old = if self.dropped.contains(&old) { substitute } else { old };
        self.remapper.get(old).unwrap_or(0)
    }
}

/// Makes the font subset for the glyphs on `pages`. If the subsetter rejects some glyph (a
/// damaged outline), that glyph is replaced by the substitute; if it still fails, the font is
/// not embedded and viewers substitute one (the text is still right, and logged).
fn make_subset(font: &PdfFont, pages: &[Vec<Placed>]) -> Subset {
    let used: Vec<u16> = pages
        .iter()
        .flatten()
        .flat_map(|p| &p.line.runs)
        .flat_map(|r| &r.glyphs)
        .map(|g| g.gid)
        .chain([font.substitute.gid])
        .collect();
    let remap = |dropped: &[u16]| {
        let mut remapper = GlyphRemapper::new();
        for &gid in used.iter().filter(|g| !dropped.contains(g)) {
            remapper.remap(gid);
        }
        remapper
    };
    let mut dropped = Vec::new();
    let mut remapper = remap(&dropped);
    let mut program = subsetter::subset(&font.data, font.index, &remapper);
    if program.is_err() {
        let mut seen = std::collections::BTreeSet::new();
        dropped = used
            .iter()
            .copied()
            .filter(|&gid| gid != font.substitute.gid && seen.insert(gid))
            .filter(|&gid| {
                subsetter::subset(&font.data, font.index, &GlyphRemapper::new_from_glyphs(&[gid])).is_err()
            })
            .collect();
        remapper = remap(&dropped);
        program = subsetter::subset(&font.data, font.index, &remapper);
    }
    let program = match program {
        Ok(bytes) if font.cff => cff_table(&bytes),
        Ok(bytes) => Some(bytes),
        Err(e) => {
            tracing::error!(font = %font.path.display(), error = %e, "font subset failed; PDF written without the font");
            None
        }
    };
    let mut subset = Subset { remapper, dropped, to_unicode: BTreeMap::new(), program };
    let substitute = font.substitute_char();
    for g in pages.iter().flatten().flat_map(|p| &p.line.runs).flat_map(|r| &r.glyphs) {
        let ch =
            if subset.dropped.contains(&g.gid) || g.gid == font.substitute.gid { substitute } else { g.ch };
        let new = subset.new_gid(g.gid, font.substitute.gid);
        subset.to_unicode.entry(new).or_insert(ch);
    }
    subset
}

/// The bare CFF program inside an OpenType font: what `FontFile3 /CIDFontType0C` holds.
fn cff_table(otf: &[u8]) -> Option<Vec<u8>> {
    let raw = ttf_parser::RawFace::parse(otf, 0).ok()?;
    raw.table(Tag::from_bytes(b"CFF ")).map(<[u8]>::to_vec)
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// A six-letter subset tag (`ABCDEF+`), from the glyphs in the subset.
fn subset_tag(subset: &Subset) -> String {
    let mut hash = Sha256::new();
    for (new, ch) in &subset.to_unicode {
        hash.update(new.to_be_bytes());
        hash.update(u32::from(*ch).to_be_bytes());
    }
    hash.finalize().iter().take(6).map(|b| char::from(b'A' + b % 26)).collect()
}

fn write_pdf(font: &PdfFont, doc: &Document, pages: &[Vec<Placed>]) -> Vec<u8> {
    let subset = make_subset(font, pages);
    let mut next = 0;
    let mut id = || {
        next += 1;
        Ref::new(next)
    };
    let (catalog_id, tree_id, info_id) = (id(), id(), id());
    let (type0_id, cid_id, descriptor_id, file_id, cmap_id) = (id(), id(), id(), id(), id());
    let page_ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (id(), id())).collect();
    // Each picture placed (by its block): its image and, when it has alpha, its soft mask.
    let mut pictures: Vec<(usize, Raster, Ref, Option<Ref>)> = Vec::new();
    for block in pages.iter().flatten().filter_map(|p| p.line.picture.map(|pic| pic.block)) {
        if pictures.iter().any(|(b, ..)| *b == block) {
            continue;
        }
        if let Some(Ok(r)) = doc.blocks.get(block).map(|b| match b {
            Block::Image { png, .. } => decode_png(png),
            _ => Err(PngError::Malformed),
        }) {
            let image = id();
            let mask = r.alpha.as_ref().map(|_| id());
            pictures.push((block, r, image, mask));
        }
    }

    let mut pdf = Pdf::new();
    pdf.set_version(1, 7);
    // The file identifier: a hash of what the document shows (the streams written below).
    let mut content_hash = Sha256::new();
    content_hash.update(doc.title.as_bytes());

    let mut catalog = pdf.catalog(catalog_id);
    catalog.pages(tree_id).lang(TextStr("zh-CN"));
    catalog.viewer_preferences().display_doc_title(true);
    catalog.finish();
    pdf.document_info(info_id).title(TextStr(&doc.title)).producer(TextStr("Pocket Court 掌上法庭"));
    pdf.pages(tree_id).kids(page_ids.iter().map(|&(page, _)| page)).count(page_ids.len() as i32);

    let base_font = format!("{}+{}", subset_tag(&subset), font.postscript_name);
    let system_info = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };
    pdf.type0_font(type0_id)
        .base_font(Name(base_font.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);

    let mut cid = pdf.cid_font(cid_id);
    cid.subtype(if font.cff { CidFontType::Type0 } else { CidFontType::Type2 })
        .base_font(Name(base_font.as_bytes()))
        .system_info(system_info)
        .font_descriptor(descriptor_id)
        .default_width(1000.0);
    let mut widths = vec![1000.0_f32; usize::from(subset.remapper.num_gids())];
    for g in pages.iter().flatten().flat_map(|p| &p.line.runs).flat_map(|r| &r.glyphs) {
        let advance =
            if subset.dropped.contains(&g.gid) { f32::from(font.substitute.advance) } else { g.advance };
        if let Some(w) = widths.get_mut(usize::from(subset.new_gid(g.gid, font.substitute.gid))) {
            *w = advance;
        }
    }
    cid.widths().consecutive(0, widths);
    if !font.cff {
        cid.cid_to_gid_map_predefined(Name(b"Identity"));
    }
    cid.finish();

    let mut flags = FontFlags::SYMBOLIC;
    if font.serif {
        flags |= FontFlags::SERIF;
    }
    let [x0, y0, x1, y1] = font.bbox;
    let mut descriptor = pdf.font_descriptor(descriptor_id);
    descriptor
        .name(Name(base_font.as_bytes()))
        .flags(flags)
        .bbox(Rect::new(x0, y0, x1, y1))
        .italic_angle(0.0)
        .ascent(font.ascent)
        .descent(font.descent)
        .cap_height(font.cap_height)
        .stem_v(80.0);
    if subset.program.is_some() {
        if font.cff {
            descriptor.font_file3(file_id);
        } else {
            descriptor.font_file2(file_id);
        }
    }
    descriptor.finish();
    if let Some(program) = &subset.program {
        let packed = deflate(program);
        content_hash.update(&packed);
        let mut stream = pdf.stream(file_id, &packed);
        stream.filter(Filter::FlateDecode);
        if font.cff {
            stream.pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
        } else {
            stream.pair(Name(b"Length1"), i32::try_from(program.len()).unwrap_or(i32::MAX));
        }
        stream.finish();
    }

    let mut cmap = UnicodeCmap::new(Name(b"Custom"), system_info);
    for (&new, &ch) in &subset.to_unicode {
        cmap.pair(new, ch);
    }
    let cmap = deflate(&cmap.finish());
    content_hash.update(&cmap);
    pdf.cmap(cmap_id, &cmap).filter(Filter::FlateDecode);

    for (_, r, image, mask) in &pictures {
        let colour = deflate(&r.colour);
        content_hash.update(&colour);
        let mut x = pdf.image_xobject(*image, &colour);
        x.width(r.width as i32).height(r.height as i32).bits_per_component(8);
        x.filter(Filter::FlateDecode);
        if r.colours == 3 {
            x.color_space().device_rgb();
        } else {
            x.color_space().device_gray();
        }
        if let Some(mask) = mask {
            x.s_mask(*mask);
        }
        x.finish();
        if let (Some(mask), Some(alpha)) = (mask, &r.alpha) {
            let alpha = deflate(alpha);
            content_hash.update(&alpha);
            let mut m = pdf.image_xobject(*mask, &alpha);
            m.width(r.width as i32).height(r.height as i32).bits_per_component(8);
            m.filter(Filter::FlateDecode);
            m.color_space().device_gray();
            m.finish();
        }
    }

    for (placed, &(page_id, content_id)) in pages.iter().zip(&page_ids) {
        let content = deflate(&page_content(font, &subset, placed));
        content_hash.update(&content);
        let mut page = pdf.page(page_id);
        page.parent(tree_id).media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT)).contents(content_id);
        let mut resources = page.resources();
        resources.fonts().pair(Name(FONT_RESOURCE), type0_id);
        let on_page: Vec<usize> = placed.iter().filter_map(|p| p.line.picture.map(|pic| pic.block)).collect();
        if !on_page.is_empty() {
            let mut x_objects = resources.x_objects();
            for (block, _, image, _) in pictures.iter().filter(|(b, ..)| on_page.contains(b)) {
                x_objects.pair(Name(picture_name(*block).as_bytes()), *image);
            }
            x_objects.finish();
        }
        resources.finish();
        page.finish();
        pdf.stream(content_id, &content).filter(Filter::FlateDecode);
    }

    let file_id: Vec<u8> = content_hash.finalize()[..16].to_vec();
    pdf.set_file_id((file_id.clone(), file_id));
    pdf.finish()
}

/// The content stream of one page: each run in its own text object (the text state is set
/// in full every time), rules as strokes.
fn page_content(font: &PdfFont, subset: &Subset, placed: &[Placed]) -> Vec<u8> {
    let mut content = Content::new();
    for p in placed {
        if let Some(pic) = p.line.picture {
            let bottom = PAGE_HEIGHT - p.top - p.line.baseline;
            content
                .save_state()
                .transform([pic.width, 0.0, 0.0, pic.height, pic.x, bottom])
                .x_object(Name(picture_name(pic.block).as_bytes()))
                .restore_state();
        }
        if p.line.rule {
            let y = PAGE_HEIGHT - p.top - p.line.baseline;
            content
                .set_line_width(0.6)
                .set_line_cap(LineCapStyle::ButtCap)
                .move_to(MARGIN_X, y)
                .line_to(MARGIN_X + TEXT_WIDTH, y)
                .stroke();
        }
        for run in p.line.runs.iter().filter(|r| !r.glyphs.is_empty()) {
            let y = PAGE_HEIGHT - p.top - p.line.baseline;
            let mode = if run.bold { TextRenderingMode::FillStroke } else { TextRenderingMode::Fill };
            if run.bold {
                // A slightly stroked outline stands in for a bold face, which we do not load.
                content.set_line_width(run.size * 0.03);
            }
            content
                .begin_text()
                .set_font(Name(FONT_RESOURCE), run.size)
                .set_text_rendering_mode(mode)
                .set_char_spacing(run.spacing)
                .next_line(run.x, y);
            let codes: Vec<u8> = run
                .glyphs
                .iter()
                .flat_map(|g| subset.new_gid(g.gid, font.substitute.gid).to_be_bytes())
                .collect();
            content.show(Str(&codes));
            content.end_text();
        }
    }
    content.finish().into_vec()
}

// ---------------------------------------------------------------------------------------------
// Images (PNG)
// ---------------------------------------------------------------------------------------------

/// A PNG decoded for embedding: 8-bit samples, colour (grey or RGB) apart from alpha, which a
/// PDF image carries as a soft mask of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Raster {
    pub width: u32,
    pub height: u32,
    /// 1 (grey) or 3 (RGB) samples a pixel.
    pub colours: u8,
    pub colour: Vec<u8>,
    pub alpha: Option<Vec<u8>>,
}

/// Why a PNG cannot be embedded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PngError {
    /// Not a PNG, or cut short, or its data does not inflate to what its header says.
    Malformed,
    /// A PNG we do not embed: palette, 16-bit or fewer than 8 bits a sample, interlaced.
    Unsupported,
    /// Wider or taller than a signature ever is.
    TooLarge,
}

/// The largest side accepted (a signature pad at a phone's pixel ratio is well below).
const PNG_MAX_SIDE: u32 = 4096;

/// Decodes a non-interlaced 8-bit grey, grey+alpha, RGB or RGBA PNG (what a canvas's
/// `toDataURL` makes): the chunks walked, IDAT inflated, each row's filter undone (PNG spec
/// §9: none, sub, up, average, Paeth), alpha split from colour.
pub fn decode_png(bytes: &[u8]) -> Result<Raster, PngError> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    let rest = bytes.strip_prefix(SIGNATURE).ok_or(PngError::Malformed)?;
    let mut pos = 0;
    let mut header: Option<(u32, u32, u8, u8)> = None;
    let mut data = Vec::new();
    loop {
        let len = rest.get(pos..pos + 4).ok_or(PngError::Malformed)?;
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let kind = rest.get(pos + 4..pos + 8).ok_or(PngError::Malformed)?;
        let body = rest.get(pos + 8..pos + 8 + len).ok_or(PngError::Malformed)?;
        match kind {
            b"IHDR" => {
                if body.len() != 13 {
                    return Err(PngError::Malformed);
                }
                let w = u32::from_be_bytes([body[0], body[1], body[2], body[3]]);
                let h = u32::from_be_bytes([body[4], body[5], body[6], body[7]]);
                let (depth, colour_type, interlace) = (body[8], body[9], body[12]);
                if depth != 8 || interlace != 0 || !matches!(colour_type, 0 | 2 | 4 | 6) {
                    return Err(PngError::Unsupported);
                }
                if w == 0 || h == 0 {
                    return Err(PngError::Malformed);
                }
                if w > PNG_MAX_SIDE || h > PNG_MAX_SIDE {
                    return Err(PngError::TooLarge);
                }
                header = Some((w, h, colour_type, depth));
            }
            b"IDAT" => data.extend_from_slice(body),
            b"IEND" => break,
            _ => {}
        }
        pos += 12 + len;
    }
    let (width, height, colour_type, _) = header.ok_or(PngError::Malformed)?;
    let channels: usize = match colour_type {
        0 => 1,
        2 => 3,
        4 => 2,
        _ => 4,
    };
    let stride = width as usize * channels;
    let expected = (stride + 1) * height as usize;
    let raw = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&data, expected)
        .map_err(|_| PngError::Malformed)?;
    if raw.len() != expected {
        return Err(PngError::Malformed);
    }
    let mut pixels = vec![0u8; stride * height as usize];
    for row in 0..height as usize {
        let filter = raw[row * (stride + 1)];
        let line = &raw[row * (stride + 1) + 1..(row + 1) * (stride + 1)];
        let (done, current) = pixels.split_at_mut(row * stride);
        let prior = if row == 0 { None } else { Some(&done[(row - 1) * stride..]) };
        let current = &mut current[..stride];
        for i in 0..stride {
            let a = if i >= channels { current[i - channels] } else { 0 };
            let b = prior.map_or(0, |p| p[i]);
            let c = if i >= channels { prior.map_or(0, |p| p[i - channels]) } else { 0 };
            let predicted = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => paeth(a, b, c),
                _ => return Err(PngError::Malformed),
            };
            current[i] = line[i].wrapping_add(predicted);
        }
    }
    let colours = if channels <= 2 { 1 } else { 3 };
    if channels == colours {
        return Ok(Raster { width, height, colours: colours as u8, colour: pixels, alpha: None });
    }
    let mut colour = Vec::with_capacity(width as usize * height as usize * colours);
    let mut alpha = Vec::with_capacity(width as usize * height as usize);
    for px in pixels.chunks_exact(channels) {
        colour.extend_from_slice(&px[..colours]);
        alpha.push(px[colours]);
    }
    Ok(Raster { width, height, colours: colours as u8, colour, alpha: Some(alpha) })
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = ((p - i16::from(a)).abs(), (p - i16::from(b)).abs(), (p - i16::from(c)).abs());
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// The resource name of the picture from block `block`.
fn picture_name(block: usize) -> String {
    format!("Im{block}")
}

/// Helpers for tests that render: the font, loaded once, and poppler's `pdftotext`.
#[cfg(test)]
pub(crate) mod testing {
    use std::path::PathBuf;
    use std::process::Command;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::OnceLock;

    use super::PdfFont;

    /// The system's CJK font. Tests fail (not skip) without one: CI installs fonts-noto-cjk.
    pub fn font() -> &'static PdfFont {
        static FONT: OnceLock<PdfFont> = OnceLock::new();
        FONT.get_or_init(|| match PdfFont::load(None) {
            Ok(font) => font,
            Err(e) => panic!("{e} — run scripts/install-tools.sh"),
        })
    }

    /// Writes `bytes` to a file of its own in the temp folder.
    pub fn temp_pdf(bytes: &[u8]) -> PathBuf {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("pocket-court-pdf-test-{}-{n}.pdf", std::process::id()));
        std::fs::write(&path, bytes).expect("write the test PDF");
        path
    }

    /// Runs a poppler tool on the PDF (`args` name it `PDF`) and returns what it prints.
    /// Fails (not skips) if poppler-utils is missing: CI installs it.
    pub fn poppler(tool: &str, args: &[&str], bytes: &[u8]) -> String {
        let path = temp_pdf(bytes);
        let out = Command::new(tool)
            .args(args.iter().map(|&a| if a == "PDF" { path.as_os_str() } else { a.as_ref() }))
            .output()
            .unwrap_or_else(|e| {
                panic!("{tool} did not run ({e}): install poppler-utils (scripts/install-tools.sh)")
            });
        let _ = std::fs::remove_file(&path);
        assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("pdftotext prints UTF-8")
    }

    /// The text of the PDF as `pdftotext -layout` extracts it.
    pub fn pdftotext(bytes: &[u8]) -> String {
        poppler("pdftotext", &["-layout", "-enc", "UTF-8", "PDF", "-"], bytes)
    }

    /// `text` without any white space: lines wrap and layout inserts spaces, the characters
    /// and their order must not change.
    pub fn squash(text: &str) -> String {
        text.chars().filter(|c| !c.is_whitespace()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{font, pdftotext, poppler, squash};
    use super::*;

    const LONG_CHINESE: &str = "当事人对自己提出的主张，有责任提供证据。当事人及其诉讼代理人因客观原因不能自行收集的证据，或者人民法院认为审理案件需要的证据，人民法院应当调查收集。人民法院应当按照法定程序，全面地、客观地审查核实证据。";
    const HASH: &str = "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b";

    fn doc(blocks: Vec<Block>) -> Document {
        Document {
            title: "测试文书".into(), blocks, footer: Some("浏阳市人民法院　测试".into())
        }
    }

    fn all_runs(pages: &[Vec<Placed>]) -> impl Iterator<Item = &Run> {
        pages.iter().flatten().flat_map(|p| &p.line.runs)
    }

    fn line_texts(font: &PdfFont, d: &Document) -> Vec<String> {
        flow(font, d).iter().map(|l| l.runs.iter().flat_map(|r| &r.glyphs).map(|g| g.ch).collect()).collect()
    }

    #[test]
    fn the_same_document_renders_to_the_same_bytes() {
        let d = doc(vec![
            Block::CourtHeader("浏阳市人民法院".into()),
            Block::Title("受理通知书".into()),
            Block::Paragraph(LONG_CHINESE.into()),
            Block::Code { label: "文书指纹：".into(), text: HASH.into() },
        ]);
        let first = render(font(), &d);
        assert_eq!(first, render(font(), &d));
        // A font loaded anew (its glyph table rebuilt) gives the same bytes too.
        let again = PdfFont::load(Some(font().path())).expect("font loads again");
        assert_eq!(first, render(&again, &d));
        // The file ID is derived from the content: another text, another ID.
        let other = render(font(), &doc(vec![Block::Paragraph("另一份文书".into())]));
        let id = |pdf: &[u8]| {
            let text = String::from_utf8_lossy(pdf).into_owned();
            text[text.rfind("/ID").expect("the trailer has an /ID")..].lines().next().map(str::to_owned)
        };
        assert_ne!(id(&first), id(&other));
    }

    #[test]
    fn the_font_is_a_subset_with_a_unicode_map_and_the_text_extracts_exactly() {
        let text = "浏阳市人民法院（2026）湘0181民初1024号：原告张三诉被告李四，预交 1,050.00 元。";
        let pdf = render(font(), &doc(vec![Block::Paragraph(text.into())]));
        assert!(squash(&pdftotext(&pdf)).contains(&squash(text)));
        let fonts = poppler("pdffonts", &["PDF"], &pdf);
        let row = fonts.lines().nth(2).expect("one font listed");
        // name, type, encoding, embedded, subset, ToUnicode.
        assert!(row.contains('+'), "a subset tag (ABCDEF+): {row}");
        assert!(row.contains("Identity-H") && row.contains("yes yes yes"), "{fonts}");
    }

    #[test]
    fn a_long_chinese_paragraph_wraps_inside_the_margins_with_no_closing_mark_at_a_line_start() {
        let d = doc(vec![Block::Paragraph(LONG_CHINESE.repeat(3))]);
        let pages = paginate(flow(font(), &d), PAGE_HEIGHT - MARGIN_BOTTOM);
        let runs: Vec<&Run> = all_runs(&pages).collect();
        assert!(runs.len() > 5, "{} lines", runs.len());
        for run in &runs {
            assert!(run.x >= MARGIN_X - 0.01 && run.x + run.width() <= PAGE_WIDTH - MARGIN_X + 0.01);
            assert!(!no_line_start(run.glyphs[0].ch), "line starts with {}", run.glyphs[0].ch);
        }
        // Justified: every line but the last ends at the right margin.
        for run in &runs[..runs.len() - 1] {
            assert!((run.x + run.width() - (PAGE_WIDTH - MARGIN_X)).abs() < 0.5);
        }
        assert_eq!(
            squash(&pdftotext(&render(font(), &d))),
            squash(&format!("{}浏阳市人民法院测试第1页共1页", LONG_CHINESE.repeat(3)))
        );
    }

    #[test]
    fn closing_punctuation_that_would_start_a_line_takes_the_character_before_it_along() {
        // 30 characters fill the indented first line; put the comma at each place around it.
        for before in 26..34 {
            let text = format!("{}，{}」。后文", "字".repeat(before), "字".repeat(40));
            let lines = line_texts(font(), &doc(vec![Block::Paragraph(text)]));
            for line in &lines {
                let first = line.chars().next().expect("no empty line");
                assert!(!no_line_start(first), "a line starts with {first}: {lines:?}");
            }
            assert_eq!(lines.concat(), format!("{}，{}」。后文", "字".repeat(before), "字".repeat(40)));
        }
        // An opening mark does not end a line.
        let lines =
            line_texts(font(), &doc(vec![Block::Paragraph(format!("{}《民事诉讼法》", "字".repeat(29)))]));
        assert!(lines.iter().all(|l| !l.ends_with('《')), "{lines:?}");
    }

    #[test]
    fn a_loosely_justified_line_still_extracts_without_spaces() {
        // 29 characters, then a word too long for the rest of the line: the first line is
        // stretched by about 0.14 em between characters.
        let text = format!("{} abcdefghijklmnopqrstuvwxyz", "审".repeat(29));
        let d = doc(vec![Block::Paragraph(text.clone())]);
        let lines = flow(font(), &d);
        let spacing = lines[0].runs[0].spacing / BODY.size;
        assert!(spacing > 0.1 && spacing <= MAX_JUSTIFY_EM, "stretched by {spacing} em");
        let extracted = pdftotext(&render(font(), &d));
        assert!(extracted.lines().any(|l| l.trim() == "审".repeat(29)), "{extracted}");
    }

    #[test]
    fn the_values_of_consecutive_fields_line_up() {
        let d = doc(vec![
            Block::Field { label: "案由：".into(), value: "民间借贷纠纷".into() },
            Block::Field { label: "被传唤人：".into(), value: "张三".into() },
            Block::Field { label: "应到处所：".into(), value: "本院第三法庭".repeat(10) },
        ]);
        let lines = flow(font(), &d);
        let value_x: Vec<f32> = lines.iter().map(|l| l.runs.last().expect("a value").x).collect();
        assert!(lines.len() > 3, "the long value wraps");
        assert!(value_x.iter().all(|&x| (x - value_x[0]).abs() < 0.01), "{value_x:?}");
        assert!(value_x[0] > MARGIN_X + 4.0 * FIELD.size, "after the widest label");
    }

    #[test]
    fn latin_words_and_numbers_are_not_cut() {
        let lines =
            line_texts(font(), &doc(vec![Block::Plain(format!("{}amount 1,050.00 yuan", "字".repeat(30)))]));
        assert!(
            lines.iter().any(|l| l.starts_with("1,050.00") || l.contains("amount 1,050.00")),
            "{lines:?}"
        );
        assert!(lines.iter().all(|l| !l.starts_with("050") && !l.ends_with("1,")), "{lines:?}");
    }

    #[test]
    fn a_long_hash_wraps_inside_the_page_and_extracts_whole() {
        let long = HASH.repeat(3);
        let d = doc(vec![
            Block::Code { label: "签名：".into(), text: long.clone() },
            Block::Field { label: "文书指纹：".into(), value: HASH.repeat(2) },
        ]);
        let pages = paginate(flow(font(), &d), PAGE_HEIGHT - MARGIN_BOTTOM);
        let code_runs: Vec<&Run> =
            all_runs(&pages).filter(|r| r.glyphs.iter().all(|g| g.ch.is_ascii_hexdigit())).collect();
        assert!(code_runs.len() >= 4, "the hashes wrap: {} lines", code_runs.len());
        for run in &code_runs {
            assert!(run.x + run.width() <= PAGE_WIDTH - MARGIN_X + 0.01);
        }
        let pdf = render(font(), &d);
        assert!(squash(&pdftotext(&pdf)).contains(&long));
        // Where poppler sees the words: none past the right margin.
        let bbox = poppler("pdftotext", &["-bbox", "PDF", "-"], &pdf);
        let x_max = bbox.split("xMax=\"").skip(1).filter_map(|s| s.split('"').next()?.parse::<f32>().ok());
        for x in x_max {
            assert!(x <= PAGE_WIDTH - MARGIN_X + 1.0, "a word ends at {x}");
        }
    }

    #[test]
    fn a_long_document_breaks_into_numbered_pages() {
        let mut blocks = vec![Block::Title("很长的文书".into())];
        for i in 0..40 {
            blocks.push(Block::Heading(format!("第{i}节")));
            blocks.push(Block::Paragraph(LONG_CHINESE.into()));
        }
        blocks.push(Block::Signature {
            court: "浏阳市人民法院".into(), date: "二〇二六年三月五日".into()
        });
        let d = doc(blocks);
        let pdf = render(font(), &d);
        let text = pdftotext(&pdf);
        let pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
        assert!(pages.len() >= 3, "{} pages", pages.len());
        for (i, page) in pages.iter().enumerate() {
            assert!(
                squash(page).contains(&format!("第{}页共{}页", i + 1, pages.len())),
                "page {}: {page}",
                i + 1
            );
        }
        // A heading never ends a page: the line after it is on the same page.
        let laid = paginate(flow(font(), &d), PAGE_HEIGHT - MARGIN_BOTTOM);
        for page in &laid {
            let last = page.last().expect("no empty page");
            assert!(!last.line.keep_with_next);
        }
        // Every section is there, in order.
        let all = squash(&text);
        let mut at = 0;
        for i in 0..40 {
            let found = all[at..].find(&format!("第{i}节")).expect("section present, in order");
            at += found;
        }
    }

    #[test]
    fn any_text_renders_missing_characters_as_a_square() {
        let d = doc(vec![
            Block::Paragraph("控制\u{0}字符\u{7}、私用区\u{E000}、\u{10FFFD}、组合\u{FE0F}与制表\t符".into()),
            Block::Heading(String::new()),
            Block::Field { label: String::new(), value: String::new() },
            Block::Code { label: String::new(), text: String::new() },
            Block::Signature { court: String::new(), date: String::new() },
            Block::Plain("x".repeat(2000)),
        ]);
        let text = squash(&pdftotext(&render(font(), &d)));
        assert!(text.contains("控制字符、私用区□、□、组合与制表符"), "{text}");
        // An empty document is one empty page.
        let empty = render(font(), &Document::default());
        assert!(squash(&pdftotext(&empty)).contains("第1页共1页"));
    }

    #[test]
    fn fonts_that_cannot_be_loaded_say_why_in_chinese_first() {
        let missing = PdfFont::load(Some(Path::new("/nonexistent/font.ttc"))).expect_err("no such file");
        assert!(missing.to_string().starts_with("读不了字体文件"), "{missing}");
        let not_font = PdfFont::load(Some(Path::new("/etc/hostname"))).expect_err("not a font");
        assert!(not_font.to_string().contains("不是可用的字体文件"), "{not_font}");
        let droid = Path::new("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf");
        if droid.exists() {
            let no_digits = PdfFont::load(Some(droid)).expect_err("Droid Sans Fallback has no digits");
            assert!(no_digits.to_string().contains("缺少常用字符"), "{no_digits}");
        }
        let none = PdfError::NotFound { looked: FONT_CANDIDATES.join(", ") };
        assert!(none.to_string().starts_with("找不到中文字体（Chinese font not found"));
    }

    #[test]
    fn the_simplified_chinese_face_of_a_collection_is_chosen() {
        // Noto's collections hold JP, KR, SC, TC and HK faces, SC not first.
        if font().path().extension().is_some_and(|e| e == "ttc") && font().family().starts_with("Noto") {
            assert!(font().family().ends_with(" SC"), "{}", font().family());
            assert_ne!(font().index, 0);
        }
    }

    /// A PNG made here: `rows` of raw samples, each row written with `filter` (0–4).
    fn png_of(width: u32, colour_type: u8, channels: usize, rows: &[Vec<u8>], filter: u8) -> Vec<u8> {
        let mut raw = Vec::new();
        let stride = width as usize * channels;
        for (r, row) in rows.iter().enumerate() {
            raw.push(filter);
            for i in 0..stride {
                let a = if i >= channels { row[i - channels] } else { 0 };
                let b = if r > 0 { rows[r - 1][i] } else { 0 };
                let c = if r > 0 && i >= channels { rows[r - 1][i - channels] } else { 0 };
                let predicted = match filter {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                    _ => super::paeth(a, b, c),
                };
                raw.push(row[i].wrapping_sub(predicted));
            }
        }
        let chunk = |kind: &[u8], body: &[u8]| {
            let mut c = (body.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(body);
            c.extend_from_slice(&[0, 0, 0, 0]); // CRC: not checked by the decoder
            c
        };
        let mut ihdr = width.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&(rows.len() as u32).to_be_bytes());
        ihdr.extend_from_slice(&[8, colour_type, 0, 0, 0]);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &ihdr));
        png.extend(chunk(b"IDAT", &miniz_oxide::deflate::compress_to_vec_zlib(&raw, 6)));
        png.extend(chunk(b"IEND", &[]));
        png
    }

    #[test]
    fn png_rows_come_back_whatever_their_filter() {
        // 3×3 RGBA with varied values, so every predictor matters.
        let rows: Vec<Vec<u8>> = (0..3u8)
            .map(|r| (0..12u8).map(|i| r.wrapping_mul(97).wrapping_add(i.wrapping_mul(31))).collect())
            .collect();
        for filter in 0..=4 {
            let r = super::decode_png(&png_of(3, 6, 4, &rows, filter)).unwrap();
            assert_eq!((r.width, r.height, r.colours), (3, 3, 3));
            let colour: Vec<u8> =
                rows.iter().flat_map(|row| row.chunks(4).flat_map(|p| p[..3].to_vec())).collect();
            let alpha: Vec<u8> = rows.iter().flat_map(|row| row.chunks(4).map(|p| p[3])).collect();
            assert_eq!(r.colour, colour, "filter {filter}");
            assert_eq!(r.alpha, Some(alpha), "filter {filter}");
        }
        let grey = super::decode_png(&png_of(2, 0, 1, &[vec![1, 2], vec![3, 4]], 4)).unwrap();
        assert_eq!((grey.colours, grey.colour.clone(), grey.alpha), (1, vec![1, 2, 3, 4], None));
    }

    #[test]
    fn pngs_we_cannot_embed_are_refused() {
        use super::PngError;
        assert_eq!(super::decode_png(b"GIF89a"), Err(PngError::Malformed));
        let good = png_of(2, 2, 3, &[vec![0; 6], vec![9; 6]], 1);
        assert_eq!(super::decode_png(&good[..good.len() - 20]), Err(PngError::Malformed), "cut short");
        let mut palette = good.clone();
        palette[8 + 8 + 9] = 3; // colour type 3: palette
        assert_eq!(super::decode_png(&palette), Err(PngError::Unsupported));
        let mut huge = good.clone();
        huge[8 + 8..8 + 12].copy_from_slice(&100_000u32.to_be_bytes());
        assert_eq!(super::decode_png(&huge), Err(PngError::TooLarge));
        // One row short of what the header says.
        let short = png_of(2, 2, 3, &[vec![0; 6]], 0);
        let mut lying = short.clone();
        lying[8 + 8 + 4..8 + 8 + 8].copy_from_slice(&2u32.to_be_bytes());
        assert_eq!(super::decode_png(&lying), Err(PngError::Malformed));
    }

    #[test]
    fn a_signature_is_drawn_into_the_document() {
        let row = vec![0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 0];
        let png = png_of(4, 6, 4, &[row.clone(), row], 2);
        let doc = Document {
            title: "签名".into(),
            blocks: vec![
                Block::Plain("张三".into()),
                Block::Image { png, height_mm: 18 },
                Block::Image { png: b"not a png".to_vec(), height_mm: 18 },
            ],
            footer: None,
        };
        let pdf = render(testing::font(), &doc);
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Subtype /Image"), "an image XObject");
        assert!(text.contains("/SMask"), "with its alpha as a soft mask");
        assert!(text.contains("/XObject"), "named in the page's resources");
        assert_eq!(pdf, render(testing::font(), &doc), "deterministic");
        let extracted = testing::pdftotext(&pdf);
        assert!(extracted.contains("图像无法显示"), "{extracted}");
    }
}
