//! Type changes: which ones lose values (`type-narrowing`) and which ones
//! PostgreSQL and MySQL do by rewriting the table (`table-rewrite`).

use crate::types::ColumnType;

/// Why going from `old` to `new` can lose or refuse values, if it can.
pub(super) fn narrowing(old: &ColumnType, new: &ColumnType) -> Option<String> {
    use ColumnType as T;
    let text_like = |t: &T| matches!(t, T::Text | T::Varchar(_));
    let numeric_like = |t: &T| {
        matches!(
            t,
            T::SmallInt | T::Integer | T::BigInt | T::Float | T::Double | T::Numeric { .. }
        )
    };
    let reason = match (old, new) {
        _ if old == new => return None,
        (T::Varchar(Some(a)), T::Varchar(Some(b))) if b < a => {
            format!("varchar({a}) to varchar({b}) truncates or refuses longer values")
        }
        (T::Text | T::Varchar(None), T::Varchar(Some(b))) => {
            format!("{old} to varchar({b}) truncates or refuses longer values")
        }
        (a, b) if int_rank(a).zip(int_rank(b)).is_some_and(|(x, y)| y < x) => {
            format!("{a} to {b} refuses values out of the smaller range")
        }
        (
            T::Numeric {
                precision: p1,
                scale: s1,
            },
            T::Numeric {
                precision: p2,
                scale: s2,
            },
        ) => {
            let (s1, s2) = (s1.unwrap_or(0), s2.unwrap_or(0));
            let fewer = match (p1, p2) {
                (None, Some(_)) => true,
                (Some(p1), Some(p2)) => p2 < p1 || p2.saturating_sub(s2) < p1.saturating_sub(s1),
                _ => false,
            };
            if fewer || (p2.is_some() && s2 < s1) {
                format!("{old} to {new} rounds or refuses values with more digits")
            } else {
                return None;
            }
        }
        (T::Double, T::Float) => "double to float loses precision".to_owned(),
        (T::Float | T::Double | T::Numeric { .. }, b) if int_rank(b).is_some() => {
            format!("{old} to {b} drops the fractional part")
        }
        (T::Enum { values: a, .. }, T::Enum { values: b, .. })
            if a.iter().any(|v| !b.contains(v)) =>
        {
            let gone: Vec<&str> = a
                .iter()
                .filter(|v| !b.contains(v))
                .map(String::as_str)
                .collect();
            format!("the enum loses the value(s) {}", gone.join(", "))
        }
        (a, b) if text_like(a) && !text_like(b) => {
            format!("{a} to {b} fails on (or, on MySQL, mangles) values that do not convert")
        }
        (a, b) if numeric_like(a) && matches!(b, T::Boolean) => {
            format!("{a} to boolean keeps only true and false")
        }
        (T::DateTime | T::TimestampTz, T::Date | T::Time) => {
            format!("{old} to {new} drops part of each value")
        }
        _ => return None,
    };
    Some(reason)
}

fn int_rank(t: &ColumnType) -> Option<u8> {
    match t {
        ColumnType::SmallInt => Some(1),
        ColumnType::Integer => Some(2),
        ColumnType::BigInt => Some(3),
        _ => None,
    }
}

/// Whether changing a column from `old` to `new` rewrites the table (and
/// holds a lock that blocks reads and writes while it does) on `dialect`
/// (`postgresql` or `mysql`).
pub(super) fn rewrites(dialect: &str, old: &ColumnType, new: &ColumnType) -> bool {
    use ColumnType as T;
    if old == new {
        return false;
    }
    let varchar_widens = match (old, new) {
        (T::Varchar(Some(a)), T::Varchar(Some(b))) => b >= a,
        _ => false,
    };
    if varchar_widens {
        return false;
    }
    match dialect {
        // PostgreSQL changes only the catalog when the new type accepts
        // every value of the old one with the same binary form.
        "postgresql" => {
            !matches!(
                (old, new),
                (T::Varchar(_), T::Varchar(None) | T::Text)
                    | (T::Text, T::Varchar(None))
                    | (
                        T::Numeric {
                            precision: Some(_),
                            scale: _,
                        },
                        T::Numeric {
                            precision: None,
                            scale: None,
                        },
                    )
            ) && !numeric_widens(old, new)
        }
        // MySQL: any other MODIFY COLUMN of the type copies the table,
        // except appending values to an ENUM.
        _ => !matches!(
            (old, new),
            (T::Enum { values: a, .. }, T::Enum { values: b, .. }) if b.starts_with(a)
        ),
    }
}

/// `numeric(p,s)` to `numeric(p2,s)` with `p2 >= p`: PostgreSQL changes
/// only the catalog.
fn numeric_widens(old: &ColumnType, new: &ColumnType) -> bool {
    match (old, new) {
        (
            ColumnType::Numeric {
                precision: Some(p1),
                scale: s1,
            },
            ColumnType::Numeric {
                precision: Some(p2),
                scale: s2,
            },
        ) => p2 >= p1 && s1.unwrap_or(0) == s2.unwrap_or(0),
        _ => false,
    }
}

/// The volatile functions of a default that make adding the column
/// rewrite the table: on PostgreSQL (11+ stores a constant or stable
/// default such as `now()` in the catalog, but computes a volatile one
/// for every row), and on MySQL (an expression default cannot be added
/// in place).
pub(super) fn volatile_call(dialect: Option<&str>, default: &str) -> Option<&'static str> {
    const POSTGRESQL: &[&str] = &[
        "random(",
        "gen_random_uuid(",
        "clock_timestamp(",
        "timeofday(",
        "uuid_generate_v1",
        "uuid_generate_v4",
        "nextval(",
    ];
    const MYSQL: &[&str] = &["uuid(", "uuid_short(", "rand(", "sysdate("];
    let lower = default.to_ascii_lowercase();
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    let lists: &[&[&'static str]] = match dialect {
        Some("postgresql") => &[POSTGRESQL],
        Some("mysql") => &[MYSQL],
        _ => &[POSTGRESQL, MYSQL],
    };
    lists
        .iter()
        .flat_map(|l| l.iter())
        .find(|f| {
            compact.match_indices(*f).any(|(i, _)| {
                // `uuid(` must not match inside `gen_random_uuid(`.
                i == 0
                    || !compact.as_bytes()[i - 1].is_ascii_alphanumeric()
                        && compact.as_bytes()[i - 1] != b'_'
            })
        })
        .map(|f| f.trim_end_matches('('))
}
