//! The text encoding of a CSV file: one per file, chosen on evidence, never
//! guessed cell by cell.
//!
//! A file is UTF-8 when it starts with the UTF-8 byte order mark or is valid UTF-8
//! throughout. Otherwise its lines are weighed: a line that is valid UTF-8 and holds
//! Chinese text is evidence of UTF-8 (GB18030 text almost never forms such a line:
//! none of 42,662 Chinese lines of a generated province did), a line that is not
//! valid UTF-8 is evidence against it. The file is UTF-8 if the UTF-8 lines are at
//! least as many, GB18030 (what Excel writes on Chinese Windows) otherwise. Either
//! way, a cell whose bytes are not valid in the chosen encoding is a located error:
//! nothing is replaced by U+FFFD and nothing is decoded a second way. In a GB18030
//! file, a cell that is UTF-8 Chinese text is an error too, since two-character
//! UTF-8 words are also valid (and wrong) GB18030.

use std::borrow::Cow;

/// The encoding a CSV file is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Gb18030,
}

/// How one file is read: its encoding, the bytes after any byte order mark, and
/// why (said in every encoding error).
#[derive(Debug, Clone)]
pub(crate) struct Choice<'a> {
    pub encoding: Encoding,
    pub body: &'a [u8],
    why: String,
    /// In a GB18030 file some lines were UTF-8 Chinese text: cells like that are errors.
    refuse_utf8: bool,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const GB18030_BOM: &[u8] = b"\x84\x31\x95\x33";

/// Chinese characters and punctuation (CJK ideographs and symbols, fullwidth
/// forms, general punctuation such as “” and —): what UTF-8 Chinese text holds
/// and misread GB18030 bytes almost never produce.
fn is_chinese(c: char) -> bool {
    matches!(c, '\u{2000}'..='\u{206F}' | '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}')
}

fn is_chinese_utf8(bytes: &[u8]) -> bool {
    !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok_and(|s| s.chars().any(is_chinese))
}

/// Chooses the encoding of a file's bytes; an error (for the whole file) when it
/// is in an encoding the format does not take.
pub(crate) fn choose(bytes: &[u8]) -> Result<Choice<'_>, String> {
    if let Some(body) = bytes.strip_prefix(UTF8_BOM) {
        return Ok(Choice::new(
            Encoding::Utf8,
            body,
            "it starts with the UTF-8 byte order mark".into(),
        ));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(
            "the file is UTF-16 (Excel's \"Unicode Text\"), which is not CSV; save it as \"CSV UTF-8\""
                .into(),
        );
    }
    if let Some(body) = bytes.strip_prefix(GB18030_BOM) {
        return Ok(Choice::new(
            Encoding::Gb18030,
            body,
            "it starts with the GB18030 byte order mark".into(),
        ));
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Ok(Choice::new(Encoding::Utf8, bytes, "it is UTF-8".into()));
    }
    let (mut utf8, mut other) = (0usize, 0usize);
    for line in bytes.split(|b| *b == b'\n') {
        if line.is_ascii() {
            continue;
        }
        match std::str::from_utf8(line) {
            Ok(s) if s.chars().any(is_chinese) => utf8 += 1,
            Ok(_) => {}
            Err(_) => other += 1,
        }
    }
    if utf8 >= other {
        return Ok(Choice::new(
            Encoding::Utf8,
            bytes,
            format!("{utf8} of its lines are UTF-8 Chinese text and {other} are not valid UTF-8"),
        ));
    }
    let mut choice = Choice::new(
        Encoding::Gb18030,
        bytes,
        if utf8 == 0 {
            format!("{other} of its lines are not valid UTF-8 and none is UTF-8 Chinese text")
        } else {
            format!("{other} of its lines are not valid UTF-8 and only {utf8} are UTF-8")
        },
    );
    choice.refuse_utf8 = utf8 > 0;
    Ok(choice)
}

impl<'a> Choice<'a> {
    fn new(encoding: Encoding, body: &'a [u8], why: String) -> Self {
        Choice {
            encoding,
            body,
            why,
            refuse_utf8: false,
        }
    }

    /// The whole body as text when every byte of it is valid in the encoding (the
    /// common case, decoded in one pass); `None` when some cells must be refused.
    pub fn decode_whole(&self) -> Option<Cow<'a, str>> {
        match self.encoding {
            Encoding::Utf8 => std::str::from_utf8(self.body).ok().map(Cow::Borrowed),
            Encoding::Gb18030 if self.refuse_utf8 => None,
            Encoding::Gb18030 => {
                encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(self.body)
            }
        }
    }

    /// Decodes one cell's bytes, or says why they are not text in this file.
    pub fn decode_cell<'b>(&self, bytes: &'b [u8]) -> Result<Cow<'b, str>, String> {
        match self.encoding {
            Encoding::Utf8 => std::str::from_utf8(bytes)
                .map(Cow::Borrowed)
                .map_err(|e| {
                    let gb = encoding_rs::GB18030
                        .decode_without_bom_handling_and_without_replacement(bytes)
                        .filter(|t| t.chars().any(is_chinese))
                        .map(|t| format!(" (read as GB18030 they would be \"{t}\")"))
                        .unwrap_or_default();
                    format!(
                        "byte {} is not valid UTF-8{gb}; the file is read as UTF-8 because {}. A file has one encoding: save all of it as \"CSV UTF-8\"",
                        show_byte(bytes, e.valid_up_to()),
                        self.why
                    )
                }),
            Encoding::Gb18030 if self.refuse_utf8 && is_chinese_utf8(bytes) => Err(format!(
                "the cell is UTF-8 text (\"{}\") in a file read as GB18030 because {}. A file has one encoding: save all of it as \"CSV UTF-8\"",
                String::from_utf8_lossy(bytes),
                self.why
            )),
            Encoding::Gb18030 => encoding_rs::GB18030
                .decode_without_bom_handling_and_without_replacement(bytes)
                .ok_or_else(|| {
                    format!(
                        "the bytes are not valid GB18030; the file is read as GB18030 because {}. A file has one encoding: save all of it as \"CSV UTF-8\"",
                        self.why
                    )
                }),
        }
    }
}

fn show_byte(bytes: &[u8], at: usize) -> String {
    match bytes.get(at) {
        Some(b) => format!("0x{b:02X} at position {}", at + 1),
        None => "sequence at the end".into(),
    }
}

/// A cell's bytes for an error message: ASCII and (in a UTF-8 file) Chinese text
/// as they are, every other byte as `\xNN`.
pub(crate) fn show_bytes(encoding: Encoding, bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let hex = |out: &mut String, b: u8| write!(out, "\\x{b:02X}").expect("to a string");
    match encoding {
        Encoding::Utf8 => {
            for chunk in bytes.utf8_chunks() {
                // Characters that are not Chinese text are shown as bytes too: in a
                // cell that is not UTF-8 they are usually misread pieces of it.
                for c in chunk.valid().chars() {
                    if c.is_ascii() || is_chinese(c) {
                        out.push(c);
                    } else {
                        c.encode_utf8(&mut [0; 4])
                            .bytes()
                            .for_each(|b| hex(&mut out, b));
                    }
                }
                chunk.invalid().iter().for_each(|b| hex(&mut out, *b));
            }
        }
        Encoding::Gb18030 => {
            for &b in bytes {
                if b.is_ascii() {
                    out.push(char::from(b));
                } else {
                    hex(&mut out, b);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gb(text: &str) -> Vec<u8> {
        encoding_rs::GB18030.encode(text).0.into_owned()
    }

    #[test]
    fn the_encoding_follows_the_evidence() {
        let utf8 = "机构编码,机构名称\nI1,武汉匠心学校\n".as_bytes().to_vec();
        let mut mixed = utf8.clone();
        mixed.extend(gb("I2,合格\n"));
        let mut bom = UTF8_BOM.to_vec();
        bom.extend(gb("I2,合格\n"));
        let mut gb_bom = GB18030_BOM.to_vec();
        gb_bom.extend("a".as_bytes());
        let mut mostly_gb = gb("机构编码,机构名称\nI1,武汉匠心学校\n");
        mostly_gb.extend("I2,中国\n".as_bytes());
        for (bytes, encoding, refuse_utf8) in [
            (utf8, Encoding::Utf8, false),
            (mixed, Encoding::Utf8, false),
            (bom, Encoding::Utf8, false),
            (gb_bom, Encoding::Gb18030, false),
            (gb("机构编码,机构名称\nI1,武汉\n"), Encoding::Gb18030, false),
            (mostly_gb, Encoding::Gb18030, true),
            (b"a,b\n1,\xE9\n".to_vec(), Encoding::Gb18030, false),
        ] {
            let c = choose(&bytes).unwrap();
            assert_eq!(
                (c.encoding, c.refuse_utf8),
                (encoding, refuse_utf8),
                "{}",
                show_bytes(Encoding::Utf8, &bytes)
            );
        }
        assert!(choose(b"\xFF\xFEa\0").unwrap_err().contains("UTF-16"));
    }

    #[test]
    fn invalid_bytes_are_shown_not_replaced() {
        assert_eq!(show_bytes(Encoding::Utf8, b"ab\xBA\xCFc"), "ab\\xBA\\xCFc");
        assert_eq!(show_bytes(Encoding::Utf8, "武汉\n".as_bytes()), "武汉\n");
        assert_eq!(show_bytes(Encoding::Gb18030, b"a\xCE\xE4"), "a\\xCE\\xE4");
        let c = choose("名称\n".as_bytes()).unwrap();
        let err = c.decode_cell(&gb("合格")).unwrap_err();
        assert!(err.contains("0xBA at position 1"), "{err}");
        assert!(err.contains("\"合格\""), "{err}");
    }
}
