//! Full-text search (`search`): relevance, the query language (case, diacritics, prefixes,
//! phrases, exclusions, agenda numbers), highlights, every filter, who finds what, paging and
//! refused input — with the office's own Indonesian requests (`shared/data/sample-requests.json`),
//! on whichever engine `WARTA_TEST_DB` names.

use std::collections::{BTreeSet, HashMap};

use chrono::{TimeZone, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};
use warta_tests::{
    Role, Stage, TestApp, TestUser, Walked, error_code, spawn_app, spawn_app_with, walk::REVIEW,
};

const SEARCH: &str = "query($q: String!, $filter: SearchFilter, $first: Int, $after: String) {
  search(query: $q, filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges {
      cursor
      node {
        requestId agendaNumber unit status submittedAt score titleHtml snippetHtml matchedFields
        request { id title }
      }
    }
  }
}";

/// Who submits a sample request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Owner {
    Alice,
    Budi,
}

/// A sample request: its key in the tests, where it is walked to and by whom.
struct Sample {
    key: &'static str,
    title: &'static str,
    unit: &'static str,
    narrative: &'static str,
    stage: Stage,
    owner: Owner,
}

/// From `shared/data/sample-requests.json`, plus one with a diacritic.
const SAMPLES: &[Sample] = &[
    Sample {
        key: "dies",
        title: "Dies Natalis ke-62 Universitas Jember",
        unit: "Bagian Protokol dan Rumah Tangga",
        narrative: "Universitas Jember memperingati Dies Natalis ke-62 dengan upacara di Gedung Soetardjo pada Senin, 8 Desember 2026 pukul 07.30 WIB, dilanjutkan orasi ilmiah dan penganugerahan penghargaan bagi dosen dan tenaga kependidikan berprestasi. Seluruh sivitas akademika diundang hadir dengan pakaian batik khas Jember.",
        stage: Stage::Archived,
        owner: Owner::Alice,
    },
    Sample {
        key: "registrasi",
        title: "Pengumuman Jadwal Registrasi Ulang Mahasiswa Baru Jalur Mandiri",
        unit: "Bagian Akademik",
        narrative: "Calon mahasiswa baru yang dinyatakan lulus seleksi jalur mandiri wajib melakukan registrasi ulang secara daring pada 2–6 Desember 2026. Dokumen yang diunggah: ijazah atau surat keterangan lulus, kartu keluarga, dan bukti pembayaran UKT. Registrasi yang tidak dilakukan sampai batas waktu dianggap mengundurkan diri.",
        stage: Stage::Disposition,
        owner: Owner::Alice,
    },
    Sample {
        key: "robot",
        title: "Mahasiswa Fakultas Teknik Juara 1 Kontes Robot Indonesia",
        unit: "Fakultas Teknik",
        narrative: "Tim robotika Fakultas Teknik Universitas Jember meraih juara 1 Kontes Robot Indonesia tingkat nasional kategori robot SAR. Tim beranggotakan lima mahasiswa Program Studi Teknik Elektro dengan dosen pembimbing Dr. Ir. Bambang Setiawan.",
        stage: Stage::Archiving,
        owner: Owner::Alice,
    },
    Sample {
        key: "seminar",
        title: "Seminar Nasional Ketahanan Pangan",
        unit: "Fakultas Pertanian",
        narrative: "seminar ketahanan pangan, info lebih lanjut hubungi panitia",
        stage: Stage::Review,
        owner: Owner::Alice,
    },
    Sample {
        key: "perpustakaan",
        title: "Penutupan Sementara Layanan Perpustakaan Pusat",
        unit: "UPA Perpustakaan",
        narrative: "Layanan Perpustakaan Pusat Universitas Jember ditutup sementara pada 4–5 Desember 2026 karena stok opname koleksi. Pengembalian buku dapat dilakukan melalui kotak pengembalian di lobi; denda keterlambatan selama penutupan dihapuskan.",
        stage: Stage::Disposition,
        owner: Owner::Budi,
    },
    Sample {
        key: "remunerasi",
        title: "Hasil Rapat Internal Pimpinan tentang Remunerasi",
        unit: "Bagian Kepegawaian",
        narrative: "Rincian usulan besaran remunerasi per jabatan yang dibahas dalam rapat internal pimpinan, belum ditetapkan.",
        stage: Stage::Disposition,
        owner: Owner::Budi,
    },
    Sample {
        key: "beasiswa",
        title: "Penerimaan Beasiswa Prestasi Semester Genap 2026/2027",
        unit: "Bagian Kemahasiswaan",
        narrative: "Bagian Kemahasiswaan membuka pendaftaran beasiswa prestasi bagi mahasiswa aktif semester 3 ke atas dengan IPK minimal 3,50. Pendaftaran melalui sistem informasi kemahasiswaan pada 15–31 Desember 2026. Pengumuman penerima: 15 Januari 2027.",
        stage: Stage::Disposition,
        owner: Owner::Budi,
    },
    Sample {
        key: "kuliah",
        title: "Kuliah Tamu: Etika Jurnalisme di Era Kecerdasan Buatan",
        unit: "FISIP — Program Studi Ilmu Komunikasi",
        narrative: "Program Studi Ilmu Komunikasi FISIP Universitas Jember menggelar kuliah tamu bertema \"Etika Jurnalisme di Era Kecerdasan Buatan\" pada Sabtu, 12 Desember 2026 pukul 09.00–11.30 WIB di Aula FISIP & via Zoom. Terbuka untuk umum, gratis; tautan pendaftaran: https://example.unej.ac.id/daftar-kuliah-tamu <b>kuota 300 peserta</b>.",
        stage: Stage::Disposition,
        owner: Owner::Budi,
    },
    Sample {
        key: "vaksinasi",
        title: "Vaksinasi Influenza Gratis bagi Pegawai",
        unit: "Klinik Pratama Universitas Jember",
        narrative: "Klinik Pratama Universitas Jember menyelenggarakan vaksinasi influenza gratis bagi pegawai pada 5 Desember 2026 pukul 08.00–12.00 WIB. Membawa kartu pegawai. 💉🩺 Kuota terbatas untuk 200 orang pertama.",
        stage: Stage::Disposition,
        owner: Owner::Budi,
    },
    Sample {
        key: "ralat",
        title: "Ralat Jadwal Wisuda Periode I",
        unit: "Bagian Akademik",
        narrative: "Ralat: Wisuda Periode I Tahun Akademik 2026/2027 dilaksanakan pada 19–20 Desember 2026 (bukan 12–13 Desember sebagaimana diumumkan sebelumnya). Gladi bersih pada 18 Desember 2026.",
        stage: Stage::Disposition,
        owner: Owner::Alice,
    },
    Sample {
        key: "kafe",
        title: "Festival Kopi Nusantara di Kafé Agroteknologi",
        unit: "Fakultas Pertanian",
        narrative: "Himpunan mahasiswa agroteknologi menggelar festival kopi nusantara di Kafé Agroteknologi pada 10 Desember 2026. Terbuka untuk umum.",
        stage: Stage::Disposition,
        owner: Owner::Budi,
    },
];

/// Agenda numbers in the style of the university's letters, to search by.
const AGENDA_PATTERN: &str = "{seq:3}/UN25.1.3/HM/{year}";

/// A server with the samples submitted and walked.
struct Fixture {
    app: TestApp,
    alice: TestUser,
    budi: TestUser,
    requests: HashMap<&'static str, Walked>,
}

impl Fixture {
    async fn new() -> Self {
        let app = spawn_app_with(|s| s.agenda_pattern = AGENDA_PATTERN.into()).await;
        let alice = app.new_user(&[Role::Requester]).await;
        let budi = app.new_user(&[Role::Requester]).await;
        let mut requests = HashMap::new();
        for s in SAMPLES {
            let owner = match s.owner {
                Owner::Alice => alice.clone(),
                Owner::Budi => budi.clone(),
            };
            let input = json!({
                "title": s.title,
                "unit": s.unit,
                "audience": "sivitas akademika dan masyarakat umum",
                "narrative": s.narrative,
                "desiredDate": "2026-12-08",
            });
            requests.insert(s.key, app.submitted_at(s.stage, owner, input).await);
        }
        Fixture {
            app,
            alice,
            budi,
            requests,
        }
    }

    fn id(&self, key: &str) -> &str {
        &self.requests[key].id
    }

    /// The sample keys of a result, in order.
    fn keys(&self, result: &Value) -> Vec<&'static str> {
        nodes(result)
            .iter()
            .map(|n| {
                let id = n["requestId"].as_str().expect("a request id");
                SAMPLES
                    .iter()
                    .map(|s| s.key)
                    .find(|k| self.requests[k].id == id)
                    .unwrap_or_else(|| panic!("request {id} is no sample"))
            })
            .collect()
    }

    async fn admin(&self, q: &str, filter: Value) -> Value {
        let token = self.app.admin_token().await;
        search(&self.app, Some(&token), q, filter).await
    }

    /// The keys an admin finds, in order.
    async fn found(&self, q: &str, filter: Value) -> Vec<&'static str> {
        self.keys(&self.admin(q, filter).await)
    }

    /// The keys an admin finds, as a set.
    async fn found_set(&self, q: &str, filter: Value) -> BTreeSet<&'static str> {
        self.found(q, filter).await.into_iter().collect()
    }
}

async fn search(app: &TestApp, token: Option<&str>, q: &str, filter: Value) -> Value {
    app.gql_ok(
        token,
        SEARCH,
        json!({ "q": q, "filter": filter, "first": 100 }),
    )
    .await["search"]
        .clone()
}

fn nodes(result: &Value) -> Vec<Value> {
    result["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

fn set(keys: &[&'static str]) -> BTreeSet<&'static str> {
    keys.iter().copied().collect()
}

/// The node of `key`'s request in a result.
fn hit<'a>(fx: &Fixture, result: &'a Value, key: &str) -> &'a Value {
    result["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| &e["node"])
        .find(|n| n["requestId"].as_str() == Some(fx.id(key)))
        .unwrap_or_else(|| panic!("{key} not found in {result:#}"))
}

fn matched(node: &Value) -> BTreeSet<String> {
    node["matchedFields"]
        .as_array()
        .expect("matched fields")
        .iter()
        .map(|f| f.as_str().expect("a field").to_owned())
        .collect()
}

/// Highlighted HTML is safe to render: no element but `<mark>`, balanced.
#[track_caller]
fn assert_safe_html(html: &str) {
    assert_eq!(
        html.matches("<mark>").count(),
        html.matches("</mark>").count(),
        "unbalanced marks in {html:?}"
    );
    let bare = html.replace("<mark>", "").replace("</mark>", "");
    assert!(
        !bare.contains(['<', '>', '"']),
        "unescaped markup in {html:?}"
    );
}

#[tokio::test]
async fn a_title_match_outranks_a_narrative_match_and_matches_are_marked_safely() {
    let fx = Fixture::new().await;

    // "nasional": the seminar's title; the robot contest's narrative ("tingkat nasional").
    let result = fx.admin("nasional", json!(null)).await;
    assert_eq!(fx.keys(&result), ["seminar", "robot"]);
    assert_eq!(result["totalCount"], 2);
    assert_eq!(matched(hit(&fx, &result, "seminar")), set_of(&["TITLE"]));
    assert_eq!(matched(hit(&fx, &result, "robot")), set_of(&["NARRATIVE"]));
    let scores: Vec<f64> = nodes(&result)
        .iter()
        .map(|n| n["score"].as_f64().expect("a score"))
        .collect();
    assert!(scores[0] > scores[1], "scores {scores:?}");
    assert_eq!(
        hit(&fx, &result, "seminar")["titleHtml"],
        "Seminar <mark>Nasional</mark> Ketahanan Pangan"
    );
    let snippet = hit(&fx, &result, "robot")["snippetHtml"]
        .as_str()
        .expect("a snippet");
    assert!(
        snippet.contains("tingkat <mark>nasional</mark>"),
        "{snippet}"
    );
    // The same with another pair: a registration title, a scholarship's "Pengumuman penerima".
    assert_eq!(
        fx.found("pengumuman", json!(null)).await,
        ["registrasi", "beasiswa"]
    );

    // Several fields at once, the unit among them.
    let result = fx.admin("perpustakaan", json!(null)).await;
    assert_eq!(fx.keys(&result), ["perpustakaan"]);
    assert_eq!(
        matched(hit(&fx, &result, "perpustakaan")),
        set_of(&["TITLE", "NARRATIVE", "UNIT"])
    );

    // A narrative with a literal <b>, quotes, & and a URL comes back escaped, matches marked.
    let result = fx.admin("jurnalisme zoom", json!(null)).await;
    assert_eq!(fx.keys(&result), ["kuliah"]);
    let kuliah = hit(&fx, &result, "kuliah");
    assert_eq!(
        kuliah["titleHtml"],
        "Kuliah Tamu: Etika <mark>Jurnalisme</mark> di Era Kecerdasan Buatan"
    );
    let snippet = kuliah["snippetHtml"].as_str().expect("a snippet");
    assert!(snippet.contains("<mark>Zoom</mark>"), "{snippet}");
    assert!(snippet.contains("&amp;"), "{snippet}");
    assert_safe_html(snippet);
    let snippet = fx.admin("kuota", json!(null)).await;
    for node in nodes(&snippet) {
        assert_safe_html(node["snippetHtml"].as_str().expect("a snippet"));
        assert_safe_html(node["titleHtml"].as_str().expect("a title"));
    }
    assert_eq!(
        fx.keys(&snippet).into_iter().collect::<BTreeSet<_>>(),
        set(&["kuliah", "vaksinasi"])
    );
}

fn set_of(fields: &[&str]) -> BTreeSet<String> {
    fields.iter().map(|f| (*f).to_owned()).collect()
}

#[tokio::test]
async fn case_diacritics_prefixes_phrases_exclusions_and_agenda_numbers() {
    let fx = Fixture::new().await;

    // Case and diacritics do not matter, either way round.
    for q in ["kafe", "KAFE", "Kafé", "kafé", "KAFÉ"] {
        let result = fx.admin(q, json!(null)).await;
        assert_eq!(fx.keys(&result), ["kafe"], "{q}");
        assert_eq!(
            hit(&fx, &result, "kafe")["titleHtml"],
            "Festival Kopi Nusantara di <mark>Kafé</mark> Agroteknologi",
            "{q}"
        );
    }
    assert_eq!(fx.found("dies NATALIS", json!(null)).await, ["dies"]);

    // A prefix needs its star.
    assert_eq!(fx.found("registr*", json!(null)).await, ["registrasi"]);
    assert_eq!(fx.found("registr", json!(null)).await, Vec::<&str>::new());
    assert_eq!(
        fx.found_set("agro*", json!(null)).await,
        set(&["kafe"]),
        "agroteknologi"
    );

    // Phrases keep their order; every word must occur; excluded words must not.
    assert_eq!(fx.found("\"dies natalis\"", json!(null)).await, ["dies"]);
    assert_eq!(
        fx.found("\"natalis dies\"", json!(null)).await,
        Vec::<&str>::new()
    );
    assert_eq!(fx.found("robot jember", json!(null)).await, ["robot"]);
    let december = fx.found_set("desember", json!(null)).await;
    assert!(december.contains("ralat") && december.contains("registrasi"));
    let without = fx.found_set("desember -wisuda", json!(null)).await;
    assert_eq!(
        without,
        december.iter().copied().filter(|k| *k != "ralat").collect()
    );

    // Agenda numbers such as 004/UN25.1.3/HM/2026: exactly, by the padded and the bare number.
    let seminar = &fx.requests["seminar"].agenda_number;
    assert!(seminar.contains("/UN25.1.3/HM/"), "{seminar}");
    let result = fx.admin(seminar, json!(null)).await;
    assert_eq!(fx.keys(&result), ["seminar"], "{seminar}");
    assert!(matched(hit(&fx, &result, "seminar")).contains("AGENDA_NUMBER"));
    let padded = seminar.split('/').next().expect("a sequence");
    assert_eq!(fx.found(padded, json!(null)).await, ["seminar"], "{padded}");
    let bare = padded.trim_start_matches('0');
    assert_eq!(
        fx.found(bare, json!(null)).await.first(),
        Some(&"seminar"),
        "{bare}"
    );
    // Every agenda number carries the year and the office code.
    assert_eq!(
        fx.admin("UN25.1.3", json!(null)).await["totalCount"],
        SAMPLES.len()
    );
}

#[tokio::test]
async fn every_filter_narrows_the_results() {
    let fx = Fixture::new().await;
    let q = "universitas jember";
    assert_eq!(
        fx.found_set(q, json!(null)).await,
        set(&["dies", "robot", "perpustakaan", "kuliah", "vaksinasi"])
    );

    // Status.
    assert_eq!(
        fx.found(q, json!({ "statuses": ["ARCHIVED"] })).await,
        ["dies"]
    );
    assert_eq!(
        fx.found_set(q, json!({ "statuses": ["ARCHIVING", "ARCHIVED"] }))
            .await,
        set(&["dies", "robot"])
    );

    // Channel: each walk chose two fresh channels.
    let dies = &fx.requests["dies"].channels;
    let robot = &fx.requests["robot"].channels;
    assert_eq!(
        fx.found(q, json!({ "channelIds": [dies[1]] })).await,
        ["dies"]
    );
    assert_eq!(
        fx.found_set(q, json!({ "channelIds": [dies[0], robot[0]] }))
            .await,
        set(&["dies", "robot"])
    );

    // Classification code: the walk archives under HM.00.01; a parent code takes it in.
    for (code, expected) in [
        ("HM.00.01", vec!["dies"]),
        ("HM.00", vec!["dies"]),
        ("HM.00.0", vec![]),
        ("HM.01", vec![]),
    ] {
        assert_eq!(
            fx.found(q, json!({ "classificationCode": code })).await,
            expected,
            "{code}"
        );
    }

    // Unit, case aside.
    assert_eq!(
        fx.found_set("desember", json!({ "unit": "bagian akademik" }))
            .await,
        set(&["registrasi", "ralat"])
    );
    assert_eq!(
        fx.found("desember", json!({ "unit": "Bagian" })).await,
        Vec::<&str>::new()
    );

    // Submission date: the correction came in back in January.
    let january = Utc.with_ymd_and_hms(2026, 1, 15, 3, 0, 0).unwrap();
    let ralat: i64 = fx.id("ralat").parse().unwrap();
    entity::request::Entity::update_many()
        .col_expr(entity::request::Column::SubmittedAt, Expr::value(january))
        .filter(entity::request::Column::Id.eq(ralat))
        .exec(&fx.app.services.db.conn)
        .await
        .unwrap();
    let february = "2026-02-01T00:00:00Z";
    assert_eq!(
        fx.found("wisuda", json!({ "submittedUntil": february }))
            .await,
        ["ralat"]
    );
    assert_eq!(
        fx.found("wisuda", json!({ "submittedFrom": february }))
            .await,
        Vec::<&str>::new()
    );
    let later = fx
        .found_set("desember", json!({ "submittedFrom": february }))
        .await;
    assert!(!later.contains("ralat") && later.contains("registrasi"));

    // Filters combine.
    assert_eq!(
        fx.found(
            "desember",
            json!({ "unit": "Bagian Akademik", "submittedFrom": february, "statuses": ["DISPOSITION"] })
        )
        .await,
        ["registrasi"]
    );
}

#[tokio::test]
async fn each_principal_finds_only_what_it_may_see() {
    let fx = Fixture::new().await;
    let app = &fx.app;
    let q = "universitas jember";
    let keys_for = |result: Value| fx.keys(&result).into_iter().collect::<BTreeSet<_>>();

    // A requester finds their own requests only.
    let alice = search(app, Some(&fx.alice.token), q, json!(null)).await;
    assert_eq!(keys_for(alice.clone()), set(&["dies", "robot"]));
    assert!(
        nodes(&alice)
            .iter()
            .all(|n| n["request"]["id"] == n["requestId"])
    );
    let budi = search(app, Some(&fx.budi.token), q, json!(null)).await;
    assert_eq!(
        keys_for(budi),
        set(&["perpustakaan", "kuliah", "vaksinasi"])
    );
    let stranger = app.new_user(&[Role::Requester]).await;
    let none = search(app, Some(&stranger.token), q, json!(null)).await;
    assert_eq!(none["totalCount"], 0);

    // Officials find what reached them or their role: staff only steps 6 and 7.
    let staff = app.user(Role::Staff).await;
    assert_eq!(
        keys_for(search(app, Some(&staff.token), q, json!(null)).await),
        set(&["dies", "robot"])
    );
    let vice_rector = app.user(Role::ViceRector).await;
    assert_eq!(
        keys_for(search(app, Some(&vice_rector.token), q, json!(null)).await),
        set(&["dies", "robot", "perpustakaan", "kuliah", "vaksinasi"])
    );

    // A client with read:published finds what was published, without the internal request.
    let reader = app.client(&["read:published"]).await;
    let published = search(app, Some(&reader), q, json!(null)).await;
    assert_eq!(keys_for(published.clone()), set(&["dies", "robot"]));
    assert!(nodes(&published).iter().all(|n| n["request"].is_null()));
    assert_eq!(
        keys_for(search(app, Some(&reader), "nasional", json!(null)).await),
        set(&["robot"]),
        "the seminar is still in review"
    );
    // An archive entry filed as internal is no longer public.
    let dies: i64 = fx.id("dies").parse().unwrap();
    entity::archive_entry::Entity::update_many()
        .col_expr(
            entity::archive_entry::Column::AccessClass,
            Expr::value("internal"),
        )
        .filter(entity::archive_entry::Column::RequestId.eq(dies))
        .exec(&app.services.db.conn)
        .await
        .unwrap();
    assert_eq!(
        keys_for(search(app, Some(&reader), q, json!(null)).await),
        set(&["robot"])
    );

    // Other clients and the anonymous are refused.
    for scope in ["submit:requests", "worker"] {
        let token = app.client(&[scope]).await;
        let response = app.gql(Some(&token), SEARCH, json!({ "q": q })).await;
        assert_eq!(
            error_code(&response).as_deref(),
            Some("FORBIDDEN"),
            "{scope}"
        );
    }
    let response = app.gql(None, SEARCH, json!({ "q": q })).await;
    assert_eq!(error_code(&response).as_deref(), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn pages_through_ranked_results_with_a_total() {
    let fx = Fixture::new().await;
    let token = fx.app.admin_token().await;
    // The year is in every agenda number.
    let all = fx.found("2026", json!(null)).await;
    assert_eq!(all.len(), SAMPLES.len());

    let mut paged = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let d = fx
            .app
            .gql_ok(
                Some(&token),
                SEARCH,
                json!({ "q": "2026", "first": 4, "after": after }),
            )
            .await;
        let page = &d["search"];
        assert_eq!(page["totalCount"], SAMPLES.len());
        assert_eq!(page["pageInfo"]["hasPreviousPage"], after.is_some());
        paged.extend(fx.keys(page));
        pages += 1;
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = Some(
            page["pageInfo"]["endCursor"]
                .as_str()
                .expect("a cursor")
                .to_owned(),
        );
    }
    assert_eq!(pages, SAMPLES.len().div_ceil(4));
    assert_eq!(
        paged, all,
        "pages follow the ranking, with no gaps or repeats"
    );

    // Past the end: nothing, and the total still said.
    let d = fx
        .app
        .gql_ok(
            Some(&token),
            SEARCH,
            json!({ "q": "2026", "first": 4, "after": "400" }),
        )
        .await;
    assert_eq!(d["search"]["edges"], json!([]));
    assert_eq!(d["search"]["totalCount"], SAMPLES.len());
    assert_eq!(d["search"]["pageInfo"]["hasNextPage"], false);
}

#[tokio::test]
async fn refuses_searches_with_nothing_to_look_for_and_treats_syntax_as_text() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let long = "kata ".repeat(41);
    let cases = [
        json!({ "q": "" }),
        json!({ "q": "   " }),
        json!({ "q": "*" }),
        json!({ "q": "- \"\" * -" }),
        json!({ "q": "-rapat -pimpinan" }),
        json!({ "q": long }),
        json!({ "q": "rapat", "first": 0 }),
        json!({ "q": "rapat", "first": 101 }),
        json!({ "q": "rapat", "after": "halaman dua" }),
        json!({ "q": "rapat", "after": "-4" }),
        json!({ "q": "rapat", "filter": { "classificationCode": "  " } }),
        json!({ "q": "rapat", "filter": { "unit": "" } }),
        json!({ "q": "rapat", "filter": { "channelIds": ["saluran"] } }),
    ];
    for variables in cases {
        let response = app.gql(Some(&token), SEARCH, variables.clone()).await;
        assert_eq!(
            error_code(&response).as_deref(),
            Some("BAD_USER_INPUT"),
            "{variables}: {response}"
        );
        assert!(
            response["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }

    // The engines' own syntax and SQL are only text to look for.
    let requester = app.new_user(&[Role::Requester]).await;
    app.submit(&requester, "Rapat Koordinasi Humas").await;
    for q in [
        "'); DROP TABLE request; --",
        "title:rapat OR NEAR(rapat humas) ^x",
        "rapat & !humas | (x:*) <-> y",
        "\"rapat",
        "rapat\\",
        "koordinasi''",
    ] {
        let result = search(&app, Some(&token), q, json!(null)).await;
        assert!(result["totalCount"].is_u64(), "{q}");
    }
    let result = search(&app, Some(&token), "rapat koordinasi", json!(null)).await;
    assert_eq!(result["totalCount"], 1);
}

#[tokio::test]
async fn the_index_follows_revisions_and_the_archive() {
    let app = spawn_app().await;
    let requester = app.new_user(&[Role::Requester]).await;
    let seminar = &SAMPLES[3];
    let input = json!({
        "title": seminar.title,
        "unit": seminar.unit,
        "audience": "dosen dan mahasiswa",
        "narrative": seminar.narrative,
    });
    let walked = app
        .submitted_at(Stage::Review, requester.clone(), input)
        .await;
    let admin = app.admin_token().await;
    let ids = |result: &Value| -> Vec<String> {
        nodes(result)
            .iter()
            .map(|n| n["requestId"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        ids(&search(&app, Some(&admin), "hubungi panitia", json!(null)).await),
        std::slice::from_ref(&walked.id)
    );

    // Returned at step 4 for the missing details, resubmitted with them: the new text is found,
    // the old one no longer.
    let deputy = app.user(Role::HumasDeputy).await;
    app.gql_ok(
        Some(&deputy.token),
        REVIEW,
        json!({ "input": { "requestId": walked.id, "verdict": "REVISE",
            "comment": "Lengkapi tanggal, tempat, pembicara dan cara pendaftaran." } }),
    )
    .await;
    app.gql_ok(
        Some(&requester.token),
        "mutation($input: ResubmitRequestInput!) { resubmitRequest(input: $input) { id } }",
        json!({ "input": { "requestId": walked.id,
            "title": "Seminar Nasional Ketahanan Pangan 2026",
            "narrative": "Seminar nasional ketahanan pangan pada 15 Desember 2026 di Aula Fakultas Pertanian dengan pembicara Prof. Hartono. Pendaftaran daring melalui laman fakultas." } }),
    )
    .await;
    assert_eq!(
        search(&app, Some(&admin), "hubungi", json!(null)).await["totalCount"],
        0
    );
    let result = search(&app, Some(&admin), "hartono", json!(null)).await;
    assert_eq!(ids(&result), std::slice::from_ref(&walked.id));
    assert_eq!(
        nodes(&result)[0]["titleHtml"],
        "Seminar Nasional Ketahanan Pangan 2026"
    );

    // Once archived, the archive entry's text is what is found.
    let archived = app.request_at(Stage::Archived).await;
    let result = search(
        &app,
        Some(&admin),
        &archived.agenda_number,
        json!({ "statuses": ["ARCHIVED"], "classificationCode": "HM.00.01" }),
    )
    .await;
    assert_eq!(ids(&result), [archived.id]);
}
