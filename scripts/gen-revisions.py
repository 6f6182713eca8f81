#!/usr/bin/env python3
"""Write a retort project with N generated revision files, for benchmarks.

usage: scripts/gen-revisions.py N DIR

The graph is mostly linear, as real projects are, with a feature branch
every 500 revisions that is merged back 20 revisions later, a branch label
on each feature branch and a depends_on every 1,000 revisions. Each file has
the shape `retort revision` writes, and the project really runs: the first
100 revisions create tables t0..t99, each later one adds a column to one of
them (and drops it on downgrade).
"""
import os
import sys


def rev_id(i):
    return "%012x" % (i * 2654435761 % (1 << 48))


def main():
    n, root = int(sys.argv[1]), sys.argv[2]
    versions = os.path.join(root, "versions")
    os.makedirs(versions, exist_ok=True)
    with open(os.path.join(root, "retort.toml"), "w") as f:
        f.write('url = "sqlite:///bench.db"\n')
    main_head = None
    branch = []  # ids on the open feature branch
    branch_from = None
    for i in range(n):
        rid = rev_id(i + 1)
        labels = []
        depends = []
        if i % 500 == 250 and main_head is not None and not branch:
            # open a feature branch from the current main head
            branch_from = main_head
            parents = [branch_from]
            branch.append(rid)
            labels = ["feature_%d" % i]
        elif branch and len(branch) < 20 and i % 2 == 1:
            parents = [branch[-1]]
            branch.append(rid)
        elif branch and len(branch) >= 20:
            parents = [main_head, branch[-1]]  # merge point
            branch = []
            main_head = rid
        else:
            parents = [main_head] if main_head else []
            main_head = rid
        if i % 1000 == 999 and i > 10:
            depends = [rev_id(i - 5)]
        lines = [
            "# generated revision %d" % i,
            "#",
            "# Revision ID: %s" % rid,
            "# Revises: %s" % ", ".join(parents),
            "# Create Date: 2026-11-22 10:00:00",
            "",
            'revision = "%s"' % rid,
        ]
        if len(parents) == 1:
            lines.append('down_revision = "%s"' % parents[0])
        elif parents:
            lines.append("down_revision = [%s]" % ", ".join('"%s"' % p for p in parents))
        if labels:
            lines.append("branch_labels = [%s]" % ", ".join('"%s"' % l for l in labels))
        if depends:
            lines.append("depends_on = [%s]" % ", ".join('"%s"' % d for d in depends))
        lines += [
            'message = "generated revision %d"' % i,
            'create_date = "2026-11-22 10:00:00"',
            "",
        ]
        if i < 100:
            lines += [
                "[[upgrade]]",
                'op = "create_table"',
                'table = "t%d"' % i,
                'columns = [{ name = "id", type = "integer", primary_key = true }]',
                "",
                "[[downgrade]]",
                'op = "drop_table"',
                'table = "t%d"' % i,
                "",
            ]
            with open(os.path.join(versions, "%s_generated_revision_%d.toml" % (rid, i)), "w") as f:
                f.write("\n".join(lines))
            continue
        lines += [
            "[[upgrade]]",
            'op = "add_column"',
            'table = "t%d"' % (i % 100),
            'column = { name = "c%d", type = "varchar(255)", nullable = true }' % i,
            "",
            "[[downgrade]]",
            'op = "drop_column"',
            'table = "t%d"' % (i % 100),
            'column = "c%d"' % i,
            "",
        ]
        with open(os.path.join(versions, "%s_generated_revision_%d.toml" % (rid, i)), "w") as f:
            f.write("\n".join(lines))


if __name__ == "__main__":
    main()
