//! How errors reach the user: one paragraph on stderr, prefixed `error:`.

/// The error as one paragraph: its message followed by those of its causes,
/// leaving out a cause whose text the message already includes (typed
/// errors often quote their source).
pub fn report(err: &anyhow::Error) -> String {
    if let Some(mounted) = err.downcast_ref::<MountedError>() {
        return format!("error: {}", mounted.text);
    }
    let mut text = format!("error: {err}");
    for cause in err.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

/// An error of a command mounted in an application (`myapp db check`):
/// its paragraph with the advice naming the application's command
/// (`` `myapp db upgrade` ``) instead of `` `retort upgrade` ``. The
/// original error is its [`source`](std::error::Error::source).
#[derive(Debug)]
pub struct MountedError {
    text: String,
    source: anyhow::Error,
}

impl MountedError {
    /// `err` as the application `command` (e.g. `myapp db`) reports it.
    pub fn new(err: anyhow::Error, command: &str) -> MountedError {
        let plain = report(&err);
        let plain = plain.strip_prefix("error: ").unwrap_or(&plain);
        MountedError {
            text: plain.replace("`retort ", &format!("`{command} ")),
            source: err,
        }
    }

    /// The original error.
    pub fn original(&self) -> &anyhow::Error {
        &self.source
    }
}

impl std::fmt::Display for MountedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for MountedError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.source.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn causes_are_not_repeated() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let err = Err::<(), _>(io)
            .context("cannot read x.toml: no such file")
            .context("loading the project")
            .unwrap_err();
        assert_eq!(
            report(&err),
            "error: loading the project: cannot read x.toml: no such file"
        );
    }
}
