//! Which imports and strings of one source a rule flags, and which flagged imports cannot take the prefix.

use memchr::memmem;

use crate::statements::{self, ImportStatements};
use crate::tokenizer::{is_name_byte, string_prefix, tokenize, Token, TokenKind};
use crate::{BareImport, Mention, NotFixable, PrefixRule, Report, SyntaxError};

pub(crate) fn scan(src: &[u8], until: usize, rule: &impl PrefixRule) -> Report {
    let mut mentions = Vec::new();
    let statements = statements::read(src, until, |t| {
        if let Some(mention) = mention(src, t, rule) {
            mentions.push(mention);
        }
    });
    let mut bound_uses: Vec<(String, Option<usize>)> = Vec::new();
    let mut imports = Vec::new();
    for module in &statements.modules {
        let Some(prefix) = rule.missing_prefix(&module.dotted) else {
            continue;
        };
        let fixable = if module.binds_first {
            let binding = module.dotted.split('.').next().unwrap_or_default();
            let used_at = match bound_uses.iter().find(|(name, _)| name == binding) {
                Some(&(_, at)) => at,
                None => {
                    let at = first_use(src, &statements, binding.as_bytes());
                    bound_uses.push((binding.to_string(), at));
                    at
                }
            };
            match used_at {
                Some(used_at) => Err(NotFixable {
                    binding: binding.to_string(),
                    used_at,
                }),
                None => Ok(()),
            }
        } else {
            Ok(())
        };
        imports.push(BareImport {
            module: module.dotted.clone(),
            prefix: prefix.to_string(),
            offset: module.start,
            fixable,
        });
    }
    let lexical = statements.lex_error.map(|e| SyntaxError {
        offset: e.offset,
        message: e.kind.to_string(),
    });
    let statement = statements.error.map(|e| SyntaxError {
        offset: e.offset,
        message: e.message.to_string(),
    });
    let error = match (lexical, statement) {
        (Some(l), Some(s)) if s.offset < l.offset => Some(s),
        (l, s) => l.or(s),
    };
    Report {
        imports,
        mentions,
        error,
    }
}

/// A string token whose whole text is a module path lacking its prefix.
fn mention(src: &[u8], t: Token, rule: &impl PrefixRule) -> Option<Mention> {
    let text = plain_string_text(&src[t.start..t.end])?;
    if !is_dotted_path(text) {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    let prefix = rule.missing_prefix(text)?;
    Some(Mention {
        text: text.to_string(),
        prefix: prefix.to_string(),
        offset: t.start,
    })
}

/// The text between the quotes of a `str` literal without replacement fields (no `b`, `f`, `t` prefix).
fn plain_string_text(literal: &[u8]) -> Option<&[u8]> {
    let quote_at = literal.iter().position(|&c| c == b'"' || c == b'\'')?;
    let flags = string_prefix(&literal[..quote_at]).unwrap_or_default();
    if flags.format || flags.bytes {
        return None;
    }
    let body = &literal[quote_at..];
    let quotes = if body.len() >= 6 && body[1] == body[0] && body[2] == body[0] {
        3
    } else {
        1
    };
    body.get(quotes..body.len() - quotes)
}

/// `a.b.c`: identifiers joined by single dots.
fn is_dotted_path(text: &[u8]) -> bool {
    text.split(|&c| c == b'.').all(|part| {
        part.first().is_some_and(|c| !c.is_ascii_digit()) && part.iter().all(|&c| is_name_byte(c))
    })
}

/// Where the file first uses `name` other than as part of a module path or an attribute (`x.name`): a name
/// token, or `name` as a whole identifier inside a string — f-string fields are code, and a string annotation
/// (`"name.x.Y"`) or a `globals()` key is a use too. A string alone on its line (a docstring) is not.
fn first_use(src: &[u8], statements: &ImportStatements, name: &[u8]) -> Option<usize> {
    let finder = memmem::Finder::new(name);
    let tokens = tokenize(src).tokens;
    let significant: Vec<&Token> = tokens
        .iter()
        .filter(|t| !matches!(t.kind, TokenKind::Comment | TokenKind::Nl))
        .collect();
    let text = |t: &Token| &src[t.start..t.end];
    let is = |t: Option<&&Token>, kind: TokenKind, what: &[u8]| {
        t.is_some_and(|t| t.kind == kind && (what.is_empty() || text(t) == what))
    };
    for (i, t) in significant.iter().enumerate() {
        let before = i.checked_sub(1).and_then(|j| significant.get(j));
        let after = significant.get(i + 1);
        match t.kind {
            TokenKind::Name
                if text(t) == name
                    && !is(before, TokenKind::Op, b".")
                    && statements.path_names.binary_search(&t.start).is_err() =>
            {
                return Some(t.start)
            }
            TokenKind::String => {
                let alone = (before.is_none() || is(before, TokenKind::Newline, b""))
                    && (after.is_none() || is(after, TokenKind::Newline, b""));
                if alone {
                    continue;
                }
                let literal = text(t);
                let whole = finder.find_iter(literal).find(|&at| {
                    let before = at.checked_sub(1).map(|i| literal[i]);
                    let after = literal.get(at + name.len()).copied();
                    !before.is_some_and(is_name_byte) && !after.is_some_and(is_name_byte)
                });
                if let Some(at) = whole {
                    return Some(t.start + at);
                }
            }
            _ => {}
        }
    }
    None
}
