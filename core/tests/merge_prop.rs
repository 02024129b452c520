//! Merge convergence: replicas that receive the same changes, in any order and with duplicates,
//! hold the same rows; and the loser of a same-field race is always reported.

use berkas_core::model::{Entity, FieldMap, Value};
use berkas_core::sync::{merge, Change, Hlc, RowState};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn arb_change() -> impl Strategy<Value = Change> {
    (
        0u8..3,
        proptest::collection::btree_map(prop_oneof![Just("nama"), Just("no_hp"), Just("alamat")], 0u8..4, 0..3),
        0u64..6,
        0u32..2,
        prop_oneof![Just("phone"), Just("laptop"), Just("server")],
        proptest::bool::weighted(0.1),
    )
        .prop_map(|(row, fields, wall, counter, device, delete)| Change {
            id: String::new(),
            entity: Entity::DataUtama,
            row: format!("r{row}"),
            pegawai: format!("r{row}"),
            delete,
            fields: if delete {
                FieldMap::new()
            } else {
                fields
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), if v == 0 { Value::Null } else { Value::Int(i64::from(v)) }))
                    .collect()
            },
            hlc: Hlc { wall_ms: wall, counter },
            device: device.into(),
            base: None,
        })
}

fn replay(changes: &[Change], order: &[usize]) -> BTreeMap<String, RowState> {
    let mut rows: BTreeMap<String, RowState> = BTreeMap::new();
    for &i in order {
        let c = &changes[i % changes.len()];
        merge(rows.entry(c.row.clone()).or_default(), c);
    }
    rows
}

/// What a user sees: live rows and their values.
fn visible(rows: &BTreeMap<String, RowState>) -> BTreeMap<String, FieldMap> {
    rows.iter().filter(|(_, s)| s.is_live()).map(|(k, s)| (k.clone(), s.values.clone())).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn any_order_with_duplicates_converges(
        mut changes in proptest::collection::vec(arb_change(), 1..25),
        order_b in proptest::collection::vec(any::<proptest::sample::Index>(), 0..60),
        seed in any::<u64>(),
    ) {
        // Distinct changes get distinct stamps from one device (a device never reuses a stamp).
        let mut seen = std::collections::HashSet::new();
        changes.retain(|c| seen.insert((c.hlc, c.device.clone())));
        let n = changes.len();
        let order_a: Vec<usize> = (0..n).collect();
        // B: a shuffled order plus random duplicates, covering every change at least once.
        let mut b: Vec<usize> = (0..n).collect();
        let mut x = seed | 1;
        for i in (1..n).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            b.swap(i, (x % (i as u64 + 1)) as usize);
        }
        b.extend(order_b.iter().map(|ix| ix.index(n)));
        let ra = replay(&changes, &order_a);
        let rb = replay(&changes, &b);
        prop_assert_eq!(visible(&ra), visible(&rb));
        prop_assert_eq!(ra, rb);
    }
}
