//! Renderers: plain analysis data in, bytes out. No polars types here.
