//! protoc-gen-ameide-py
