//! Field number suggestions (`SuggestFieldNumbers`): after number errors, "Suggested field numbers for X: ..."
//! for each top-level message that had one.

use crate::parser::MAX_FIELD_NUMBER;
use crate::pool::builder::Builder;

pub fn suggest_field_numbers(b: &mut Builder<'_>) {
    let messages = b.file_desc().messages.clone();
    for message in messages {
        let Some(hints) = b
            .message_hints
            .iter()
            .find(|(m, _)| *m == Some(message))
            .map(|(_, h)| h.clone())
        else {
            continue;
        };
        let mut to_suggest = hints.fields_to_suggest.min(3);
        if to_suggest <= 0 {
            continue;
        }
        let m = b.pool.message(message).clone();
        let mut used: Vec<(i64, i64)> = Vec::new();
        let add_ordinal = |used: &mut Vec<(i64, i64)>, n: i32| {
            if n <= 0 || n > MAX_FIELD_NUMBER {
                return;
            }
            let n = i64::from(n);
            match used.last_mut() {
                Some(last) if last.1 == n => last.1 = n + 1,
                _ => used.push((n, n + 1)),
            }
        };
        for &f in &m.fields {
            add_ordinal(&mut used, b.pool.field(f).number);
        }
        for &f in &m.extensions {
            add_ordinal(&mut used, b.pool.field(f).number);
        }
        let clamp = |v: i32| i64::from(v.clamp(0, MAX_FIELD_NUMBER + 1));
        for &(start, end, _) in &m.reserved_ranges {
            let (from, to) = (clamp(start), clamp(end));
            if from < to {
                used.push((from, to));
            }
        }
        for r in &m.extension_ranges {
            let (from, to) = (clamp(r.start), clamp(r.end));
            if from < to {
                used.push((from, to));
            }
        }
        used.push((i64::from(MAX_FIELD_NUMBER), i64::from(MAX_FIELD_NUMBER) + 1));
        used.push((19000, 19999));
        used.sort_unstable();
        let Some((elem, kind)) = hints.first_reason else {
            continue;
        };
        let mut current = 1i64;
        let mut list = Vec::new();
        for (from, to) in used {
            while current < from && to_suggest > 0 {
                list.push(current.to_string());
                current += 1;
                to_suggest -= 1;
            }
            if to_suggest == 0 {
                break;
            }
            current = current.max(to);
        }
        b.error(
            elem,
            kind,
            format!(
                "Suggested field numbers for {}: {}",
                m.full_name,
                list.join(", ")
            ),
        );
    }
}
