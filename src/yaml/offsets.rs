//! Character index → byte offset conversion.
//!
//! saphyr's `Marker::index` counts `char`s (a BOM and each of `\r\n` count
//! as one each), while govlint's spans are byte offsets into the original
//! text. This module owns that conversion and nothing else.

/// Characters between two checkpoints; a lookup walks at most this many chars.
const STRIDE: usize = 64;

/// Maps character indices of one text to byte offsets.
///
/// Characters before the first non-ASCII one map one to one (all of them in
/// the common, ASCII-only file). Past it, a checkpoint every [`STRIDE`]
/// characters keeps the table at 1/64 of the character count whatever the
/// file size, and a cursor at the last answer makes the next lookup a short
/// walk, since saphyr's markers arrive almost in order.
pub(super) struct CharOffsets<'t> {
    text: &'t str,
    /// Byte (= char) index of the first non-ASCII character; the text's length if none.
    ascii_prefix: usize,
    /// Byte offset of character `ascii_prefix + k * STRIDE`.
    checkpoints: Vec<usize>,
    /// The last lookup: (char index, byte offset).
    cursor: (usize, usize),
}

impl<'t> CharOffsets<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        let ascii_prefix = text
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(text.len());
        let checkpoints = text[ascii_prefix..]
            .char_indices()
            .step_by(STRIDE)
            .map(|(byte, _)| ascii_prefix + byte)
            .collect();
        CharOffsets {
            text,
            ascii_prefix,
            checkpoints,
            cursor: (0, 0),
        }
    }

    /// Byte offset of the character at `char_index`; the text's length for
    /// an index at or past the end.
    pub(super) fn byte(&mut self, char_index: usize) -> usize {
        if char_index <= self.ascii_prefix {
            return char_index;
        }
        let rank = char_index - self.ascii_prefix;
        let Some(&checkpoint) = self.checkpoints.get(rank / STRIDE) else {
            return self.text.len();
        };
        let mut from = (char_index - rank % STRIDE, checkpoint);
        if (from.0..=char_index).contains(&self.cursor.0) {
            from = self.cursor;
        }
        let byte = self.text[from.1..]
            .char_indices()
            .nth(char_index - from.0)
            .map_or(self.text.len(), |(byte, _)| from.1 + byte);
        self.cursor = (char_index, byte);
        byte
    }
}

#[cfg(test)]
mod tests {
    use super::CharOffsets;

    #[test]
    fn ascii_is_identity_and_clamped() {
        let mut offsets = CharOffsets::new("abc");
        assert_eq!(offsets.byte(0), 0);
        assert_eq!(offsets.byte(3), 3);
        assert_eq!(offsets.byte(10), 3);
    }

    #[test]
    fn multibyte_text_matches_char_indices() {
        let text = "ab".to_owned() + &"\u{feff}é—𝄞x\r\n".repeat(50);
        let mut offsets = CharOffsets::new(&text);
        let expected: Vec<usize> = text.char_indices().map(|(byte, _)| byte).collect();
        for (i, &byte) in expected.iter().enumerate() {
            assert_eq!(offsets.byte(i), byte, "char {i} in order");
        }
        // Out of order too (the cursor must not lead a lookup astray).
        for i in (0..expected.len()).rev().step_by(7) {
            assert_eq!(offsets.byte(i), expected[i], "char {i} backwards");
            assert_eq!(
                offsets.byte(i / 2),
                expected[i / 2],
                "char {} jumping",
                i / 2
            );
        }
        let count = text.chars().count();
        assert_eq!(offsets.byte(count), text.len());
        assert_eq!(offsets.byte(count + 100), text.len());
    }
}
