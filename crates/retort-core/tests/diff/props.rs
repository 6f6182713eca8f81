//! Random pairs of schemas: the upgrade reaches the target, the downgrade
//! comes back.

use super::*;

/// A random small table named `name`: an integer key and some of x, y, z.
fn arb_table(name: &'static str) -> impl Strategy<Value = Table> {
    let arb_col = |n: &'static str| {
        (
            prop::sample::select(vec!["integer", "text", "varchar(20)", "boolean"]),
            any::<bool>(),
            prop::sample::select(vec![None, Some("0"), Some("'x'")]),
            prop::option::of(prop::sample::select(vec!["c1", "c2"])),
        )
            .prop_map(move |(t, nullable, d, comment)| {
                let mut c = col(n, t);
                c.nullable = nullable;
                c.server_default = d.map(str::to_owned);
                c.comment = comment.map(str::to_owned);
                c
            })
    };
    (
        prop::option::of(arb_col("x")),
        prop::option::of(arb_col("y")),
        prop::option::of(prop::sample::select(vec!["a", "b", "c"])),
        any::<(bool, bool, bool, bool)>(),
        prop::option::of(prop::sample::select(vec!["t1", "t2"])),
    )
        .prop_map(move |(x, y, z_to, (ix, ix_unique, uq, ck), comment)| {
            let mut t = table(name, vec![col("id", "integer").primary_key()]);
            t.comment = comment.map(str::to_owned);
            if let Some(x) = x {
                t.columns.push(x);
                if ix {
                    t.indexes.push(Index {
                        name: format!("ix_{name}_x"),
                        columns: vec!["x".into()],
                        unique: ix_unique,
                        where_clause: None,
                        ..Default::default()
                    });
                }
            }
            if let Some(y) = y {
                t.columns.push(y);
                if uq {
                    t.uniques.push(UniqueConstraint {
                        name: Some(format!("uq_{name}_y")),
                        columns: vec!["y".into()],
                        ..Default::default()
                    });
                }
            }
            if ck {
                t.checks.push(CheckConstraint {
                    name: Some(format!("ck_{name}")),
                    condition: "id > 0".into(),
                });
            }
            if let Some(to) = z_to {
                t.columns.push(col("z", "integer"));
                t.foreign_keys.push(fk(&format!("fk_{name}_z"), "z", to));
            }
            t
        })
}

fn arb_schema() -> impl Strategy<Value = Schema> {
    (
        prop::option::of(arb_table("a")),
        prop::option::of(arb_table("b")),
        prop::option::of(arb_table("c")),
    )
        .prop_map(|(a, b, c)| schema([a, b, c].into_iter().flatten().collect()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn upgrade_reaches_the_target_and_downgrade_comes_back(
        live in arb_schema(),
        target in arb_schema(),
    ) {
        for o in [pg(), lite(), my()] {
            round_trip(&live, &target, &o);
            prop_assert!(diff(&target, &target, &o).is_empty());
        }
    }
}
