//! How errors reach the user: one paragraph on stderr, prefixed `error:`.

/// The error as one paragraph: its message followed by those of its causes,
/// leaving out a cause whose text the message already includes (typed
/// errors often quote their source).
pub fn report(err: &anyhow::Error) -> String {
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
