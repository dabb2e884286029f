//! Comments: skipping them between tokens, and protoc's `NextWithComments` / `CommentCollector`, which
//! decide whether a comment leads, trails or is detached from a declaration.

use super::{is_whitespace, LexError, Lexer, Token, TokenKind};

/// Comments gathered around a token by [`Lexer::next_with_comments`].
#[derive(Debug, Default)]
pub struct Comments {
    pub prev_trailing: Vec<u8>,
    pub detached: Vec<Vec<u8>>,
    pub next_leading: Vec<u8>,
}

pub(super) enum CommentStart {
    Line,
    Block,
    SlashNotComment,
    None,
}

impl<'a> Lexer<'a> {
    pub(super) fn consume_line_comment(&mut self, content: Option<&mut Vec<u8>>) {
        let start = self.pos;
        while !self.eof() && self.ch() != 0 && self.ch() != b'\n' {
            self.next_char();
        }
        self.try_consume(b'\n');
        if let Some(content) = content {
            content.extend_from_slice(&self.buf[start..self.pos]);
        }
    }

    pub(super) fn consume_block_comment(&mut self, mut content: Option<&mut Vec<u8>>) {
        let start_line = self.line;
        let start_column = self.column - 2;
        let mut record_start = self.pos;
        loop {
            while !self.eof() && !matches!(self.ch(), 0 | b'*' | b'/' | b'\n') {
                self.next_char();
            }
            if self.try_consume(b'\n') {
                if let Some(c) = content.as_deref_mut() {
                    c.extend_from_slice(&self.buf[record_start..self.pos]);
                }
                self.consume_zero_or_more(|c| is_whitespace(c) && c != b'\n');
                if self.try_consume(b'*') && self.try_consume(b'/') {
                    break;
                }
                record_start = self.pos;
            } else if self.try_consume(b'*') && self.try_consume(b'/') {
                if let Some(c) = content.as_deref_mut() {
                    c.extend_from_slice(&self.buf[record_start..self.pos - 2]);
                }
                break;
            } else if self.try_consume(b'/') && !self.eof() && self.ch() == b'*' {
                self.error("\"/*\" inside block comment.  Block comments cannot be nested.");
            } else if self.eof() || self.ch() == 0 {
                self.error("End-of-file inside block comment.");
                self.errors.push(LexError {
                    line: start_line,
                    column: start_column,
                    message: "  Comment started here.".to_string(),
                });
                if let Some(c) = content.as_deref_mut() {
                    c.extend_from_slice(&self.buf[record_start..self.pos]);
                }
                break;
            }
        }
    }

    pub(super) fn try_consume_comment_start(&mut self) -> CommentStart {
        if self.sh_comments {
            return if self.try_consume(b'#') {
                CommentStart::Line
            } else {
                CommentStart::None
            };
        }
        if self.try_consume(b'/') {
            if self.try_consume(b'/') {
                CommentStart::Line
            } else if self.try_consume(b'*') {
                CommentStart::Block
            } else {
                self.current = Token {
                    kind: TokenKind::Symbol,
                    start: self.pos - 1,
                    end: self.pos,
                    line: self.line,
                    column: self.column - 1,
                    end_column: self.column,
                };
                CommentStart::SlashNotComment
            }
        } else {
            CommentStart::None
        }
    }

    /// Advances like [`Lexer::next`], collecting the comments between the previous token and the next one the
    /// way protoc attaches them. A file starting with 0xEF that is not a UTF-8 BOM is an error, and the current
    /// token stays the start token (as in protoc).
    pub fn next_with_comments(&mut self, comments: &mut Comments) -> bool {
        let mut collector = Collector::new(comments);
        let mut prev_line = self.line;
        let mut trailing_comment_end_line = -1;
        if self.current.kind == TokenKind::Start {
            if self.try_consume(0xEF) && !(self.try_consume(0xBB) && self.try_consume(0xBF)) {
                self.error("Proto file starts with 0xEF but not UTF-8 BOM. Only UTF-8 is accepted for proto file.");
                collector.finish();
                return false;
            }
            collector.can_attach_to_prev = false;
            prev_line = -1;
        } else {
            self.consume_zero_or_more(|c| is_whitespace(c) && c != b'\n');
            match self.try_consume_comment_start() {
                CommentStart::Line => {
                    trailing_comment_end_line = self.line;
                    self.consume_line_comment(Some(collector.buffer_for_line_comment()));
                    collector.flush();
                }
                CommentStart::Block => {
                    self.consume_block_comment(Some(collector.buffer_for_block_comment()));
                    trailing_comment_end_line = self.line;
                    self.consume_zero_or_more(|c| is_whitespace(c) && c != b'\n');
                    collector.flush();
                }
                CommentStart::SlashNotComment => {
                    collector.finish();
                    return true;
                }
                CommentStart::None => {
                    if !self.try_consume(b'\n') {
                        collector.finish();
                        return self.next_token();
                    }
                }
            }
        }
        loop {
            self.consume_zero_or_more(|c| is_whitespace(c) && c != b'\n');
            match self.try_consume_comment_start() {
                CommentStart::Line => {
                    self.consume_line_comment(Some(collector.buffer_for_line_comment()));
                }
                CommentStart::Block => {
                    self.consume_block_comment(Some(collector.buffer_for_block_comment()));
                    self.consume_zero_or_more(|c| is_whitespace(c) && c != b'\n');
                    self.try_consume(b'\n');
                }
                CommentStart::SlashNotComment => {
                    collector.finish();
                    return true;
                }
                CommentStart::None => {
                    if self.try_consume(b'\n') {
                        collector.flush();
                        collector.can_attach_to_prev = false;
                    } else {
                        let result = self.next_token();
                        let text = self.text(&self.current);
                        if !result || text == b"}" || text == b"]" || text == b")" {
                            collector.flush();
                        }
                        if result
                            && (prev_line == self.line || trailing_comment_end_line == self.line)
                        {
                            collector.maybe_detach();
                        }
                        collector.finish();
                        return result;
                    }
                }
            }
        }
    }
}

/// protoc's `CommentCollector`: buffers the latest comment until it is known where it belongs.
struct Collector<'c> {
    out: &'c mut Comments,
    buffer: Vec<u8>,
    num_comments: usize,
    has_trailing_comment: bool,
    has_comment: bool,
    is_line_comment: bool,
    can_attach_to_prev: bool,
}

impl<'c> Collector<'c> {
    fn new(out: &'c mut Comments) -> Self {
        out.prev_trailing.clear();
        out.detached.clear();
        out.next_leading.clear();
        Collector {
            out,
            buffer: Vec::new(),
            num_comments: 0,
            has_trailing_comment: false,
            has_comment: false,
            is_line_comment: false,
            can_attach_to_prev: true,
        }
    }

    fn buffer_for_line_comment(&mut self) -> &mut Vec<u8> {
        if self.has_comment && !self.is_line_comment {
            self.flush();
        }
        self.has_comment = true;
        self.is_line_comment = true;
        &mut self.buffer
    }

    fn buffer_for_block_comment(&mut self) -> &mut Vec<u8> {
        if self.has_comment {
            self.flush();
        }
        self.has_comment = true;
        self.is_line_comment = false;
        &mut self.buffer
    }

    fn flush(&mut self) {
        if self.has_comment {
            let comment = std::mem::take(&mut self.buffer);
            if self.can_attach_to_prev {
                self.out.prev_trailing.extend_from_slice(&comment);
                self.has_trailing_comment = true;
                self.can_attach_to_prev = false;
            } else {
                self.out.detached.push(comment);
            }
            self.has_comment = false;
            self.num_comments += 1;
        }
    }

    fn maybe_detach(&mut self) {
        let count = self.num_comments + usize::from(self.has_comment);
        if count == 1 {
            if self.has_trailing_comment {
                let trail = std::mem::take(&mut self.out.prev_trailing);
                self.out.detached.insert(0, trail);
            }
            self.flush();
        }
    }

    /// The collector's destructor: whatever is still buffered leads the next token.
    fn finish(self) {
        if self.has_comment {
            self.out.next_leading = self.buffer;
        }
    }
}
