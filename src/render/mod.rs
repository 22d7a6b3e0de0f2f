//! Renderers: one module per output format. Only this layer (and the
//! binary) knows about JSON, colour and terminals.

use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;

/// Output formats of `stance check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// ariadne reports for people.
    Human,
    /// One line per finding.
    Short,
    /// LANGUAGE.md §8.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub workflow commands.
    Github,
}

/// Rendering switches.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// Emit ANSI colour (human format only).
    pub color: bool,
    /// Whether a limit cut the results short.
    pub truncated: bool,
}

/// Renders the diagnostics (already sorted) in `format`.
pub fn render(
    format: Format,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    options: &RenderOptions,
) -> String {
    let _ = (format, sources, options);
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(d.kind.name());
        out.push_str(": ");
        out.push_str(&d.message);
        out.push('\n');
    }
    out
}
