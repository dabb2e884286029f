//! Parsing ahead of the build: while the builder links files one after the other (it must: each file sees
//! the pool as protoc's sequential build leaves it), worker threads parse the files it will ask for next.
//!
//! Workers take files from a stack and push a parsed file's imports on it, first import on top, so they parse
//! in about the order protoc's depth-first build asks for files. A file the builder asks for before a worker
//! has started on it is parsed by the builder itself; one being parsed is waited for. Every file reachable
//! through imports is parsed once (a file in an import cycle is parsed again, as protoc does).

use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use crate::ir::ElementCounts;
use crate::parser::{self, ParseOutcome};
use crate::source::{Found, SourceTree};

/// A file looked up in the source tree: parsed, or the reason it could not be opened.
pub enum Loaded {
    Parsed {
        display: String,
        outcome: Box<ParseOutcome>,
        /// The text is the bundled file of that name (what protoc has compiled in, for descriptor.proto).
        bundled_text: bool,
    },
    NotFound(String),
}

thread_local! {
    /// The buffer files are read into, reused by each thread.
    static READ_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Reads and parses one file.
pub fn load_one(tree: &SourceTree, name: &str, keep: Option<fn(&[i32]) -> bool>) -> Loaded {
    READ_BUFFER.with(|buffer| {
        let mut buffer = buffer.borrow_mut();
        match tree.open(name, &mut buffer) {
            Ok(Found::Disk { disk_path }) => Loaded::Parsed {
                display: disk_path,
                outcome: Box::new(parser::parse(name, &buffer, keep)),
                bundled_text: crate::wkt::source(name)
                    .is_some_and(|text| text.as_bytes() == *buffer),
            },
            Ok(Found::Bundled(text)) => Loaded::Parsed {
                display: name.to_string(),
                outcome: Box::new(parser::parse(name, text.as_bytes(), keep)),
                bundled_text: true,
            },
            Err(message) => Loaded::NotFound(message),
        }
    })
}

/// Where a file is.
enum Slot {
    /// On the stack, not started.
    Queued,
    /// Being parsed.
    Parsing,
    Done(Loaded),
    /// Handed to the builder.
    Taken,
}

struct State {
    /// Files to parse, the next on top.
    todo: Vec<String>,
    slots: HashMap<String, Slot>,
    /// Files being parsed (by workers or the builder): while any is, more may be queued.
    parsing: usize,
    /// The builder needs nothing more.
    closed: bool,
    /// What the files parsed so far declare.
    files_parsed: usize,
    counts: ElementCounts,
}

/// The files to parse and the parsed ones, shared by the workers and the builder.
pub struct ParseQueue<'a> {
    tree: &'a SourceTree,
    keep: Option<fn(&[i32]) -> bool>,
    state: Mutex<State>,
    changed: Condvar,
}

impl<'a> ParseQueue<'a> {
    /// A queue starting with `inputs` (the first is parsed first).
    pub fn new(
        tree: &'a SourceTree,
        inputs: &[String],
        keep: Option<fn(&[i32]) -> bool>,
    ) -> ParseQueue<'a> {
        let mut slots = HashMap::new();
        let mut todo = Vec::new();
        for input in inputs {
            if slots.insert(input.clone(), Slot::Queued).is_none() {
                todo.push(input.clone());
            }
        }
        todo.reverse();
        ParseQueue {
            tree,
            keep,
            state: Mutex::new(State {
                todo,
                slots,
                parsing: 0,
                closed: false,
                files_parsed: 0,
                counts: ElementCounts::default(),
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'g>(&self, guard: MutexGuard<'g, State>) -> MutexGuard<'g, State> {
        self.changed
            .wait(guard)
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// A worker: parses queued files until none is left and none is being parsed, or the builder is done.
    pub fn work(&self) {
        let mut state = self.lock();
        loop {
            if state.closed {
                return;
            }
            let Some(name) = state.todo.pop() else {
                if state.parsing == 0 {
                    return;
                }
                state = self.wait(state);
                continue;
            };
            if !matches!(state.slots.get(&name), Some(Slot::Queued)) {
                continue;
            }
            state.slots.insert(name.clone(), Slot::Parsing);
            state.parsing += 1;
            drop(state);
            let loaded = load_one(self.tree, &name, self.keep);
            state = self.lock();
            self.finish(&mut state, &loaded);
            state.slots.insert(name, Slot::Done(loaded));
        }
    }

    /// After a file is parsed: queues its imports and wakes those waiting.
    fn finish(&self, state: &mut State, loaded: &Loaded) {
        if let Loaded::Parsed { outcome, .. } = loaded {
            let proto = &outcome.file.proto;
            state.files_parsed += 1;
            state.counts.add(&proto.counts());
            // a name that is not UTF-8 is never parsed (the builder refuses or reports it)
            let imports: Vec<&str> = proto
                .dependency
                .iter()
                .chain(&proto.option_dependency)
                .filter_map(|import| std::str::from_utf8(import).ok())
                .collect();
            for import in imports.into_iter().rev() {
                if !state.slots.contains_key(import) {
                    state.slots.insert(import.to_string(), Slot::Queued);
                    state.todo.push(import.to_string());
                }
            }
        }
        state.parsing -= 1;
        self.changed.notify_all();
    }

    /// The parse of `name` for the builder: the one done ahead (waiting for it if a worker is on it), else
    /// parsed now. A file already taken (a cycle) is parsed again.
    pub fn take(&self, name: &str) -> Loaded {
        let mut state = self.lock();
        loop {
            match state.slots.get_mut(name) {
                Some(Slot::Parsing) => state = self.wait(state),
                Some(slot @ Slot::Done(_)) => {
                    if let Slot::Done(loaded) = std::mem::replace(slot, Slot::Taken) {
                        return loaded;
                    }
                }
                Some(Slot::Taken) => {
                    drop(state);
                    return load_one(self.tree, name, self.keep);
                }
                Some(Slot::Queued) | None => {
                    state.slots.insert(name.to_string(), Slot::Parsing);
                    state.parsing += 1;
                    drop(state);
                    let loaded = load_one(self.tree, name, self.keep);
                    let mut state = self.lock();
                    self.finish(&mut state, &loaded);
                    state.slots.insert(name.to_string(), Slot::Taken);
                    return loaded;
                }
            }
        }
    }

    /// Where files are looked up.
    pub fn tree(&self) -> &SourceTree {
        self.tree
    }

    /// Once every file reachable from the inputs is parsed: how many there are and what they declare.
    pub fn totals(&self) -> Option<(usize, ElementCounts)> {
        let state = self.lock();
        (state.todo.is_empty() && state.parsing == 0).then_some((state.files_parsed, state.counts))
    }

    /// The builder is done: workers stop after the file they are on.
    pub fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }
}
