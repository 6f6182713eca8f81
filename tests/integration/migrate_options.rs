//! Run options: `transaction_per_migration = false` (one transaction for
//! the whole run) and `--tag` (recorded in `retort_log`).

use crate::harness::{Project, rev};
use crate::migrate_db::{Db, Kind, per_db, table_rev, write_rev};

per_db!(
    one_transaction_for_the_run,
    tag_is_logged_with_each_revision
);

/// With one transaction for the run, a failure in the third revision
/// leaves nothing of the first two where DDL is transactional; MySQL has no
/// transactional DDL, so the setting cannot hold the revisions back there,
/// and each good revision stays applied.
fn one_transaction_for_the_run(kind: Kind) {
    let p = Project::init();
    p.append(
        "migrations/retort.toml",
        "\ntransaction_per_migration = false\n",
    );
    let db = Db::fresh(kind, &p);
    write_rev(&p, &rev("000000000001"), &table_rev("000000000001"));
    write_rev(
        &p,
        &rev("000000000002").down(&["000000000001"]),
        &table_rev("000000000002"),
    );
    write_rev(
        &p,
        &rev("000000000003").down(&["000000000002"]),
        "\n[[upgrade]]\nop = \"execute\"\nsql = \"NOT SQL\"\n",
    );
    let run = db.fails(&p, &["upgrade", "head"]);
    assert!(run.stderr.contains("000000000003"), "{}", run.stderr);
    if kind == Kind::Mysql {
        assert_eq!(db.versions(), ["000000000002"]);
        assert_eq!(db.user_tables(), ["t_000000000001", "t_000000000002"]);
    } else {
        assert!(db.versions().is_empty(), "{:?}", db.versions());
        assert!(db.user_tables().is_empty(), "{:?}", db.user_tables());
        assert!(db.log().is_empty(), "{:?}", db.log());
    }
}

fn tag_is_logged_with_each_revision(kind: Kind) {
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    write_rev(&p, &rev("000000000001"), &table_rev("000000000001"));
    db.ok(&p, &["upgrade", "--tag", "release-7", "head"]);
    let tags = db.rows("SELECT tag FROM retort_log");
    assert_eq!(tags, ["release-7"]);
}
