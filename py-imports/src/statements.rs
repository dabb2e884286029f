//! The import statements of a token stream: `import a.b [as c], ...` and `from [.]a.b import (x [as y], ...)`,
//! wherever a statement can start — after a line end, after `;`, and after the `:` of a compound statement on
//! the same line (`if TYPE_CHECKING: import a`). Bodies of functions, classes, `if`/`try` blocks are statements
//! like any other: indentation does not matter here.

use crate::tokenizer::{LexError, Lexer, Token, TokenKind};

/// The module path of an absolute import, with its exact span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModulePath {
    /// From the first name's first byte to the last name's last byte (whitespace and line continuations
    /// between the names included, as written).
    pub start: usize,
    pub end: usize,
    /// The names joined with `.`.
    pub dotted: String,
    /// `import a.b.c` without `as`: the statement binds the first name, `a`, and code reaches the module as
    /// `a.b.c`.
    pub binds_first: bool,
}

/// An import statement that is not Python.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementError {
    pub offset: usize,
    pub message: &'static str,
}

/// What [`read`] finds.
#[derive(Debug, Clone, Default)]
pub struct ImportStatements {
    /// The module paths of absolute imports, in source order.
    pub modules: Vec<ModulePath>,
    /// Where each name that is part of a module path (absolute or relative) starts, in source order.
    pub path_names: Vec<usize>,
    /// The first malformed import statement.
    pub error: Option<StatementError>,
    /// The lexical error that ended the reading.
    pub lex_error: Option<LexError>,
}

/// Reads the import statements of `src` in one pass over its tokens (none is kept), up to the first logical
/// line end at or after byte `until` (`src.len()`: all of it); `on_string` sees each string literal token.
pub fn read(src: &[u8], until: usize, on_string: impl FnMut(Token)) -> ImportStatements {
    let mut reader = Reader {
        src,
        lexer: Lexer::new(src),
        until,
        peeked: None,
        on_string,
        out: ImportStatements::default(),
    };
    let mut depth = 0usize;
    let mut at_start = true;
    while let Some(token) = reader.peek() {
        reader.bump();
        if at_start
            && token.kind == TokenKind::Name
            && matches!(reader.text(token), b"import" | b"from")
        {
            let from = reader.text(token) == b"from";
            let statement = if from {
                reader.import_from()
            } else {
                reader.import()
            };
            if let Err(e) = statement {
                reader.out.error.get_or_insert(e);
                reader.skip_to_line_end();
            }
            at_start = false;
            continue;
        }
        at_start = false;
        match (token.kind, reader.text(token)) {
            (TokenKind::Newline, _) => at_start = true,
            (TokenKind::Op, b"(" | b"[" | b"{") => depth += 1,
            (TokenKind::Op, b")" | b"]" | b"}") => depth = depth.saturating_sub(1),
            (TokenKind::Op, b";" | b":") if depth == 0 => at_start = true,
            _ => {}
        }
    }
    reader.out
}

struct Reader<'a, F> {
    src: &'a [u8],
    lexer: Lexer<'a>,
    /// Reading ends at the first logical line end from here on.
    until: usize,
    /// The next significant token (not a comment or NL), once looked at.
    peeked: Option<Token>,
    on_string: F,
    out: ImportStatements,
}

impl<F: FnMut(Token)> Reader<'_, F> {
    fn text(&self, token: Token) -> &[u8] {
        &self.src[token.start..token.end]
    }

    /// The next significant token, without consuming it.
    fn peek(&mut self) -> Option<Token> {
        if self.peeked.is_none() {
            for token in self.lexer.by_ref() {
                match token {
                    Ok(t) if matches!(t.kind, TokenKind::Comment | TokenKind::Nl) => continue,
                    Ok(t) if t.kind == TokenKind::Newline && t.start >= self.until => {
                        // as if the source ended here: no more tokens
                        self.peeked = Some(t);
                        self.until = usize::MAX;
                        self.lexer = Lexer::new(&[]);
                    }
                    Ok(t) => {
                        if t.kind == TokenKind::String {
                            (self.on_string)(t);
                        }
                        self.peeked = Some(t);
                    }
                    Err(e) => self.out.lex_error = Some(e),
                }
                break;
            }
        }
        self.peeked
    }

    fn bump(&mut self) {
        self.peeked = None;
    }

    fn error(&mut self, message: &'static str) -> StatementError {
        StatementError {
            offset: self.peek().map_or(self.src.len(), |t| t.start),
            message,
        }
    }

    fn at(&mut self, kind: TokenKind, text: &[u8]) -> bool {
        self.peek()
            .is_some_and(|t| t.kind == kind && self.text(t) == text)
    }

    /// Consumes the token when it is `kind` with `text`.
    fn eat(&mut self, kind: TokenKind, text: &[u8]) -> bool {
        let found = self.at(kind, text);
        if found {
            self.bump();
        }
        found
    }

    fn name(&mut self, message: &'static str) -> Result<Token, StatementError> {
        match self.peek() {
            Some(t) if t.kind == TokenKind::Name => {
                self.bump();
                Ok(t)
            }
            _ => Err(self.error(message)),
        }
    }

    /// `a.b.c`: its span and dotted text.
    fn dotted(&mut self) -> Result<ModulePath, StatementError> {
        let first = self.name("expected a module name")?;
        self.out.path_names.push(first.start);
        let mut dotted = String::from_utf8_lossy(self.text(first)).into_owned();
        let mut end = first.end;
        while self.eat(TokenKind::Op, b".") {
            let next = self.name("expected a name after '.'")?;
            self.out.path_names.push(next.start);
            dotted.push('.');
            dotted.push_str(&String::from_utf8_lossy(self.text(next)));
            end = next.end;
        }
        Ok(ModulePath {
            start: first.start,
            end,
            dotted,
            binds_first: false,
        })
    }

    /// The rest of `import a.b [as c], d`.
    fn import(&mut self) -> Result<(), StatementError> {
        loop {
            let mut module = self.dotted()?;
            if self.eat(TokenKind::Name, b"as") {
                self.name("expected a name after 'as'")?;
            } else {
                module.binds_first = true;
            }
            self.out.modules.push(module);
            if !self.eat(TokenKind::Op, b",") {
                return self.end();
            }
        }
    }

    /// The rest of `from [.]a.b import x [as y], ...` / `(...)` / `*`.
    fn import_from(&mut self) -> Result<(), StatementError> {
        let mut relative = false;
        while self.eat(TokenKind::Op, b".") || self.eat(TokenKind::Op, b"...") {
            relative = true;
        }
        if !(relative && self.at(TokenKind::Name, b"import")) {
            let module = self.dotted()?;
            if !relative {
                self.out.modules.push(module);
            }
        }
        if !self.eat(TokenKind::Name, b"import") {
            return Err(self.error("expected 'import'"));
        }
        if self.eat(TokenKind::Op, b"*") {
            return self.end();
        }
        let parenthesized = self.eat(TokenKind::Op, b"(");
        loop {
            self.name("expected a name to import")?;
            if self.eat(TokenKind::Name, b"as") {
                self.name("expected a name after 'as'")?;
            }
            if !self.eat(TokenKind::Op, b",") {
                break;
            }
            if parenthesized && self.at(TokenKind::Op, b")") {
                break;
            }
        }
        if parenthesized && !self.eat(TokenKind::Op, b")") {
            return Err(self.error("expected ')'"));
        }
        self.end()
    }

    /// The statement must end here: a line end, `;`, or the end of the file.
    fn end(&mut self) -> Result<(), StatementError> {
        match self.peek() {
            None => Ok(()),
            Some(t) if t.kind == TokenKind::Newline => Ok(()),
            Some(t) if t.kind == TokenKind::Op && self.text(t) == b";" => Ok(()),
            Some(_) => Err(self.error("invalid syntax in import statement")),
        }
    }

    fn skip_to_line_end(&mut self) {
        while self.peek().is_some_and(|t| t.kind != TokenKind::Newline) {
            self.bump();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modules(src: &str) -> Vec<(String, &str, bool)> {
        let found = read(src.as_bytes(), src.len(), |_| {});
        assert_eq!(found.lex_error, None);
        assert_eq!(found.error, None, "{src}");
        found
            .modules
            .iter()
            .map(|m| (m.dotted.clone(), &src[m.start..m.end], m.binds_first))
            .collect()
    }

    #[test]
    fn statement_forms() {
        assert_eq!(
            modules("import a.b.c, d as e\nfrom f . g import (h,\n  i as j,)\n"),
            [
                ("a.b.c".into(), "a.b.c", true),
                ("d".into(), "d", false),
                ("f.g".into(), "f . g", false)
            ]
        );
        assert_eq!(
            modules("x = 1; import a\nif T: from b import c\ndef f():\n    import d.e as f\n"),
            [
                ("a".into(), "a", true),
                ("b".into(), "b", false),
                ("d.e".into(), "d.e", false)
            ]
        );
        assert_eq!(
            modules("from . import a\nfrom ...b import c\nfrom .d.e import *\n"),
            []
        );
        assert_eq!(
            modules("import a\\\n.b\nx = {'import': 1}\ny = lambda: 0\nraise X from Y\n"),
            [("a.b".into(), "a\\\n.b", true)]
        );
    }

    #[test]
    fn malformed_statements() {
        let error = |src: &str| read(src.as_bytes(), src.len(), |_| {}).error;
        assert_eq!(
            error("import\n"),
            Some(StatementError {
                offset: 6,
                message: "expected a module name"
            })
        );
        assert_eq!(
            error("from a import b c\nimport d\n"),
            Some(StatementError {
                offset: 16,
                message: "invalid syntax in import statement"
            })
        );
        assert_eq!(
            error("from a import b,\n"),
            Some(StatementError {
                offset: 16,
                message: "expected a name to import"
            })
        );
    }
}
