//! Synthetic but realistic personnel (valid NIP/NIK pairs, Indonesian names, a career of
//! golongan and jabatan) for demos, tests and benchmarks. Deterministic for a given seed; no
//! real person's data.

use chrono::{Datelike, Months, NaiveDate};
use serde_json::{json, Value as Json};

const MALE: &[&str] = &[
    "Budi",
    "Agus",
    "Slamet",
    "Joko",
    "Bambang",
    "Hendra",
    "Rudi",
    "Dedi",
    "Eko",
    "Wahyu",
    "Andi",
    "Yusuf",
    "Rizky",
    "Fajar",
    "Ahmad",
    "Muhammad",
    "Teguh",
    "Arif",
    "Dimas",
    "Bayu",
    "Gilang",
    "Hadi",
    "Imam",
    "Kurniawan",
];
const FEMALE: &[&str] = &[
    "Siti", "Sri", "Dewi", "Rina", "Ani", "Yuni", "Lestari", "Wulan", "Ratna", "Fitri", "Indah", "Nur", "Ayu", "Putri",
    "Dian", "Endang", "Kartika", "Maya", "Novi", "Rahma", "Sekar", "Tri", "Umi", "Winarti",
];
const FAMILY: &[&str] = &[
    "Santoso",
    "Wijaya",
    "Saputra",
    "Pratama",
    "Hidayat",
    "Nugroho",
    "Setiawan",
    "Kusuma",
    "Rahayu",
    "Lestari",
    "Susanto",
    "Wibowo",
    "Purnomo",
    "Hartono",
    "Gunawan",
    "Siregar",
    "Nasution",
    "Harahap",
    "Sinaga",
    "Lubis",
    "Simanjuntak",
    "Situmorang",
    "Sembiring",
    "Tarigan",
    "Ginting",
    "Manurung",
    "Hutapea",
    "Rangkuti",
];
const PLACES: &[&str] =
    &["Semarang", "Surakarta", "Magelang", "Pekalongan", "Tegal", "Salatiga", "Kudus", "Demak", "Klaten", "Boyolali"];
const SEKOLAH: &[&str] = &[
    "Universitas Diponegoro",
    "Universitas Sebelas Maret",
    "Universitas Negeri Semarang",
    "Universitas Gadjah Mada",
    "Universitas Jenderal Soedirman",
];
const JABATAN: &[&str] = &[
    "Analis Kepegawaian",
    "Pranata Komputer",
    "Arsiparis",
    "Pengelola Keuangan",
    "Perencana",
    "Auditor",
    "Pengadministrasi Umum",
    "Verifikator Keuangan",
];

/// Small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

/// Golongan ids in order, III/a upward for a graduate.
const GOLONGAN_UP: &[&str] = &["31", "32", "33", "34", "41", "42", "43"];

/// One synthetic pegawai as a SIASN document. `index` makes the NIP unique (sequence digits
/// and the day spread); `unit` is the Berkas unit code.
pub fn pegawai_document(rng: &mut Rng, index: u64, unit: &str, today: NaiveDate) -> Json {
    let female = rng.below(2) == 1;
    let first = if female { rng.pick(FEMALE) } else { rng.pick(MALE) };
    let nama = format!("{} {} {}", first, if female { rng.pick(FEMALE) } else { rng.pick(MALE) }, rng.pick(FAMILY));
    // Births spread over 1966-1998 (some near BUP, as in a real instansi). Indexes with the
    // same sequence number differ by a multiple of 999, and their birth dates then differ by a
    // multiple of 6,788 days mod 12,000: distinct for the first 3,000 of them, so NIPs never
    // collide below ~3 million pegawai.
    let base = NaiveDate::from_ymd_opt(1966, 1, 1).unwrap_or(today);
    let birth = base + chrono::Days::new(((index / 999) * 7919 + index * 131) % 12_000);
    let birth_year = birth.year();

    let age_at_cpns = 23 + rng.below(10) as i32;
    let tmt_cpns = NaiveDate::from_ymd_opt(birth_year + age_at_cpns, 1 + rng.below(12) as u32, 1).unwrap_or(today);
    let tmt_cpns = tmt_cpns.min(today.with_day(1).unwrap_or(today));
    let seq = 1 + ((index * 38) % 999);
    let nip = format!("{}{}{}{:03}", birth.format("%Y%m%d"), tmt_cpns.format("%Y%m"), if female { 2 } else { 1 }, seq);
    let nik_day = birth.day() + if female { 40 } else { 0 };
    let kab = [1u64, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 71, 72, 73, 74][rng.below(16) as usize];
    let nik = format!(
        "33{:02}{:02}{:02}{:02}{:02}{:04}",
        kab,
        1 + rng.below(20),
        nik_day,
        birth.month(),
        birth.year() % 100,
        1 + (index % 9999)
    );
    let tmt_pns = tmt_cpns.checked_add_months(Months::new(12)).unwrap_or(tmt_cpns);
    // Golongan every four years from III/a.
    let mut golongan = Vec::new();
    let mut tmt = tmt_cpns;
    for (i, g) in GOLONGAN_UP.iter().enumerate() {
        if tmt > today {
            break;
        }
        golongan.push(json!({
            "id": format!("G-{index}-{i}"), "golonganId": g, "jenisKPId": if i == 0 { "211" } else { "101" },
            "skNomor": format!("823/{}/{}", 100 + i, tmt.year()), "skTanggal": dmy(tmt - chrono::Days::new(30)),
            "tmtGolongan": dmy(tmt), "masaKerjaGolonganTahun": (i * 4) as i64, "masaKerjaGolonganBulan": 0,
        }));
        tmt = tmt.checked_add_months(Months::new(48 + rng.below(12) as u32)).unwrap_or(tmt);
    }
    let last_gol = golongan.last().cloned().unwrap_or(Json::Null);
    let jabatan_nama = rng.pick(JABATAN);
    let tmt_jabatan = tmt_pns.checked_add_months(Months::new(rng.below(120) as u32)).unwrap_or(tmt_pns).min(today);
    let jabatan = vec![json!({
        "id": format!("J-{index}"), "jenisJabatan": "4", "namaJabatan": jabatan_nama,
        "tmtJabatan": dmy(tmt_jabatan), "nomorSk": format!("821/{}/{}", index % 1000, tmt_jabatan.year()),
        "tanggalSk": dmy(tmt_jabatan),
    })];
    let pendidikan = vec![json!({
        "id": format!("P-{index}"), "tkPendidikanId": "40", "namaSekolah": rng.pick(SEKOLAH),
        "tahunLulus": (birth_year + 22) as i64, "nomorIjasah": format!("{}/UN/{}", 1000 + index % 9000, birth_year + 22),
        "isPendidikanPertama": true,
    })];
    let skp: Vec<Json> = (1..=2)
        .map(|k| json!({ "id": format!("S-{index}-{k}"), "tahun": (today.year() - k) as i64, "kuadranKinerjaNilai": "2", "hasilKinerjaNilai": "2", "perilakuKerjaNilai": "2" }))
        .collect();
    json!({
        "dataUtama": {
            "nipBaru": nip, "nama": nama, "tempatLahir": rng.pick(PLACES), "tglLahir": dmy(birth),
            "jenisKelamin": if female { "F" } else { "M" }, "agamaId": "1", "jenisKawinId": "1",
            "email": format!("{}.{}@mail.example.id", first.to_lowercase(), index),
            "emailGov": format!("{}.{}@bkd.jatengprov.go.id", first.to_lowercase(), index),
            "nik": nik, "alamat": format!("Jl. Pemuda No. {}, {}", 1 + index % 200, rng.pick(PLACES)),
            "noHp": format!("08{}{:08}", 11 + rng.below(9), rng.below(100_000_000)),
            "jenisPegawaiId": "4", "kedudukanPnsId": "01", "tkPendidikanTerakhirId": "40",
            "tmtCpns": dmy(tmt_cpns), "nomorSkCpns": format!("813/{}/{}", index % 1000, tmt_cpns.year()),
            "tmtPns": dmy(tmt_pns), "nomorSkPns": format!("821.13/{}/{}", index % 1000, tmt_pns.year()),
            "unitBerkas": unit, "jenisJabatanId": "4", "jabatanNama": jabatan_nama, "tmtJabatan": dmy(tmt_jabatan),
            "golRuangAkhirId": last_gol.get("golonganId").cloned().unwrap_or(Json::Null),
            "tmtGolAkhir": last_gol.get("tmtGolongan").cloned().unwrap_or(Json::Null),
            "mkTahun": (today.year() - tmt_cpns.year()) as i64, "mkBulan": 0,
        },
        "riwayat": { "golongan": golongan, "jabatan": jabatan, "pendidikan": pendidikan, "skp": skp },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{check_nip_nik, Nik, Nip};

    #[test]
    fn synthetic_numbers_are_valid_and_consistent() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let mut rng = Rng::new(7);
        for i in 0..500 {
            let d = pegawai_document(&mut rng, i, "UNIT-A", today);
            let nip = Nip::parse(d["dataUtama"]["nipBaru"].as_str().expect("nip")).expect("valid nip");
            let nik = Nik::parse(d["dataUtama"]["nik"].as_str().expect("nik")).expect("valid nik");
            assert!(check_nip_nik(&nip, &nik).is_empty(), "document {i}");
        }
    }

    #[test]
    fn nips_are_unique_across_a_large_set() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let mut rng = Rng::new(1);
        let mut seen = std::collections::HashSet::new();
        for i in 0..30_000 {
            let d = pegawai_document(&mut rng, i, "U", today);
            assert!(seen.insert(d["dataUtama"]["nipBaru"].as_str().expect("nip").to_string()), "duplicate NIP at {i}");
        }
    }
}
