//! A bound on how deeply a models file's expressions nest, checked on the
//! tokens before anything is parsed.
//!
//! sqlparser reads `1+1+...+1` in a loop, but the tree it builds is as deep
//! as the expression is long, and everything done with that tree afterwards
//! (printing it, cloning it, dropping it) recurses once per level: some
//! thousands of terms overflow the stack and abort the process. sqlparser's
//! own recursion limit only bounds the nesting of its *parser* (parentheses,
//! prefix operators), not these chains.
//!
//! So the tokens are checked first. Each operator token (a symbol, or a
//! keyword such as `AND`, `IS`, `COLLATE`) can add at most one level to the
//! tree of the expression it is in; parentheses, brackets and `CASE ... END`
//! open a nested expression, and a `,` (or `WHEN`/`THEN`/`ELSE` directly in
//! a `CASE`) starts a sibling. The depth of a token is the count of operators
//! before it in its own expression and in each enclosing one, plus the
//! number of open parentheses: an upper bound on how deep the tree can be at
//! that token. Beyond [`MAX_DEPTH`] the file is refused, naming the line and
//! column; below it, the tree is shallow enough for the stack the models
//! are read on (see `read_on_big_stack` in the module root).

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan};

/// The deepest expression a models file may hold, in operators and
/// parentheses along one path. Real schemas stay far below it: a `CHECK`
/// of 300 `OR`ed comparisons counts 600.
pub(crate) const MAX_DEPTH: usize = 1000;

/// Keywords that join or wrap an expression, as operators do.
const OPERATOR_KEYWORDS: &[Keyword] = &[
    Keyword::AND,
    Keyword::OR,
    Keyword::XOR,
    Keyword::NOT,
    Keyword::IS,
    Keyword::IN,
    Keyword::LIKE,
    Keyword::ILIKE,
    Keyword::SIMILAR,
    Keyword::REGEXP,
    Keyword::RLIKE,
    Keyword::BETWEEN,
    Keyword::COLLATE,
    Keyword::AT,
    Keyword::DIV,
    Keyword::MOD,
    Keyword::ESCAPE,
    Keyword::OVERLAPS,
    Keyword::ANY,
    Keyword::ALL,
    Keyword::SOME,
    Keyword::MEMBER,
];

/// What opened a nested expression.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Opened {
    /// The statement itself.
    Statement,
    /// `(` or `[`.
    Bracket,
    /// `CASE`, closed by `END`.
    Case,
}

/// Where the bound is passed first: the line and column of the token.
pub(crate) fn check(tokens: &[TokenWithSpan]) -> Result<(), (u64, u64)> {
    // One frame per open expression: what opened it and the operators seen
    // in it since its last sibling began.
    let mut frames: Vec<(Opened, usize)> = vec![(Opened::Statement, 0)];
    let mut depth: usize = 0;
    for t in tokens {
        let top = frames.len() - 1;
        match &t.token {
            Token::Whitespace(_) | Token::EOF | Token::Number(..) => continue,
            Token::SemiColon => {
                frames.truncate(1);
                frames[0].1 = 0;
                depth = 0;
                continue;
            }
            Token::Comma => {
                depth -= frames[top].1;
                frames[top].1 = 0;
                continue;
            }
            Token::LParen | Token::LBracket => {
                frames.push((Opened::Bracket, 0));
                depth += 1;
            }
            Token::RParen | Token::RBracket => {
                // A stray `)` is sqlparser's to report.
                if frames[top].0 == Opened::Bracket {
                    depth -= frames[top].1 + 1;
                    frames.pop();
                }
                continue;
            }
            Token::Word(w) => match w.keyword {
                Keyword::CASE => {
                    frames.push((Opened::Case, 0));
                    depth += 1;
                }
                Keyword::END if frames[top].0 == Opened::Case => {
                    depth -= frames[top].1 + 1;
                    frames.pop();
                    continue;
                }
                Keyword::WHEN | Keyword::THEN | Keyword::ELSE if frames[top].0 == Opened::Case => {
                    depth -= frames[top].1;
                    frames[top].1 = 0;
                    continue;
                }
                k if OPERATOR_KEYWORDS.contains(&k) => {
                    frames[top].1 += 1;
                    depth += 1;
                }
                _ => continue,
            },
            // Any other symbol (`+`, `::`, `.`, `||`, a string...) counts:
            // counting too much is safe.
            _ => {
                frames[top].1 += 1;
                depth += 1;
            }
        }
        if depth > MAX_DEPTH {
            return Err((t.span.start.line, t.span.start.column));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::tokenizer::Tokenizer;

    fn depth_ok(sql: &str) -> Result<(), (u64, u64)> {
        let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql)
            .tokenize_with_location()
            .unwrap();
        check(&tokens)
    }

    fn sum(n: usize) -> String {
        vec!["1"; n].join(" + ")
    }

    #[test]
    fn long_chains_and_deep_nesting_are_refused_where_they_pass_the_bound() {
        assert!(depth_ok(&format!("SELECT {}", sum(MAX_DEPTH))).is_ok());
        assert_eq!(
            depth_ok(&format!("SELECT {}", sum(MAX_DEPTH + 2))),
            Err((1, 8 + 4 * MAX_DEPTH as u64 + 2))
        );
        let nested = format!("SELECT {}1{}", "(".repeat(2000), ")".repeat(2000));
        assert_eq!(depth_ok(&nested), Err((1, 8 + MAX_DEPTH as u64)));
        assert!(depth_ok(&format!("SELECT {}x", "NOT ".repeat(2000))).is_err());
        assert!(depth_ok(&format!("SELECT 'a'{}", "::text".repeat(2000))).is_err());
        // Depths add up across parentheses.
        let half = sum(MAX_DEPTH / 2 + 1);
        assert!(depth_ok(&format!("SELECT {half} + ({half})")).is_err());
    }

    #[test]
    fn the_deepest_allowed_tree_reads_on_a_small_thread() {
        // Test threads have 2 MiB of stack; the models are read on their own.
        let chain = vec!["1"; MAX_DEPTH - 3].join("+");
        let cast = "::text".repeat(MAX_DEPTH - 3);
        for column in [
            format!("x INTEGER DEFAULT ({chain}) CHECK (x < {chain})"),
            format!("x TEXT DEFAULT ('a'{cast})"),
        ] {
            let sql = format!("CREATE TABLE t (id INTEGER PRIMARY KEY, {column});");
            for dialect in ["sqlite", "postgresql", "mysql"] {
                let mut schema = crate::schema::Schema::default();
                crate::models::parse_models(
                    std::path::Path::new("m.sql"),
                    &sql,
                    dialect,
                    &mut schema,
                )
                .unwrap_or_else(|e| panic!("{dialect}: {e}"));
                assert_eq!(schema.tables.len(), 1);
            }
        }
    }

    #[test]
    fn siblings_do_not_add_up() {
        let list = vec![sum(500); 100].join(", ");
        assert!(depth_ok(&format!("CREATE TABLE t (a INT CHECK (a IN ({list})))")).is_ok());
        let branches: String = (0..2000)
            .map(|i| format!(" WHEN x = {i} THEN {i} + 1"))
            .collect();
        assert!(depth_ok(&format!("SELECT CASE{branches} END")).is_ok());
        let statements = format!("SELECT {};", sum(900)).repeat(10);
        assert!(depth_ok(&statements).is_ok());
        // A chain on each side of a CASE is one chain.
        let around = format!(
            "SELECT {} + CASE WHEN x THEN 1 END + {}",
            sum(600),
            sum(600)
        );
        assert!(depth_ok(&around).is_err());
    }
}
