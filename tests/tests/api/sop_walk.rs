//! The whole SOP, end to end, through HTTP as the seven roles: a requester submits, the
//! Vice Rector, the Head of Bureau, the PKIH Coordinator and the Deputy pass it down, staff
//! publish it (the worker sends it) and archive it, and a third party reads it.

use chrono::{Datelike, SubsecRound, Utc};
use serde_json::{Value, json};
use warta_tests::{
    Role, TestApp, error_code, error_rule, spawn_app,
    walk::{ARCHIVE, CLAIM, FORWARD, PUBLISH, REPORT, REVIEW, SUBMIT, complete_checklist},
};

use crate::helpers::{assert_sla, chain, strings, time, view};

/// An agenda number like `0042/HM/2026`: four digits, `/HM/`, the year in WIB.
fn assert_agenda_number(agenda: &str, seq: u32) {
    let bytes = agenda.as_bytes();
    assert!(
        agenda.len() == 12
            && bytes[..4].iter().all(u8::is_ascii_digit)
            && &agenda[4..8] == "/HM/"
            && bytes[8..].iter().all(u8::is_ascii_digit),
        "agenda number {agenda:?} must match ^\\d{{4}}/HM/\\d{{4}}$"
    );
    let wib_year = (Utc::now() + chrono::Duration::hours(7)).year();
    assert_eq!(agenda, format!("{seq:04}/HM/{wib_year}"));
}

async fn publication_outbox(app: &TestApp, request_id: &str) -> Vec<entity::outbox::Model> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::outbox::Entity::find()
        .filter(entity::outbox::Column::Topic.eq("publication"))
        .filter(entity::outbox::Column::RequestId.eq(request_id.parse::<i64>().expect("an id")))
        .all(&app.services.db.conn)
        .await
        .expect("outbox rows")
}

fn kinds_of(events: &Value) -> Vec<String> {
    events
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["kind"].as_str().expect("a kind").to_owned())
        .collect()
}

async fn events(app: &TestApp, token: &str, id: &str) -> Value {
    app.gql_ok(
        Some(token),
        "query($id: ID!) { events(requestId: $id) { kind actorKind actorLabel fromStatus toStatus payload } }",
        json!({ "id": id }),
    )
    .await["events"]
        .clone()
}

#[tokio::test]
async fn a_request_walks_all_seven_sop_steps_from_submission_to_the_archive() {
    let app = spawn_app().await;
    let requester = app.user(Role::Requester).await;
    let vice_rector = app.user(Role::ViceRector).await;
    let bureau_head = app.user(Role::BureauHead).await;
    let pkih = app.user(Role::PkihCoordinator).await;
    let deputy = app.user(Role::HumasDeputy).await;
    let staff = app.user(Role::Staff).await;
    let info = app.channel("Info UNEJ").await;
    let humas = app.channel("Humas UNEJ").await;
    let worker = app.client(&["worker"]).await;
    let reader = app.client(&["read:published"]).await;
    let mut expected_events: Vec<&str> = Vec::new();

    // The requester submits.
    let d = app
        .gql_ok(
            Some(&requester.token),
            SUBMIT,
            json!({ "input": {
                "title": "Wisuda periode Desember",
                "unit": "Fakultas Teknik",
                "audience": "Wisudawan dan orang tua",
                "desiredDate": "2026-12-05",
                "narrative": "Wisuda periode Desember dilaksanakan di Gedung Soetardjo.",
                "priority": "BIASA",
            } }),
        )
        .await;
    let submitted = &d["submitRequest"];
    let id = submitted["id"].as_str().expect("an id").to_owned();
    let agenda = submitted["agendaNumber"]
        .as_str()
        .expect("an agenda number")
        .to_owned();
    assert_agenda_number(&agenda, 1);
    assert_eq!(submitted["status"], "DISPOSITION");
    assert_eq!(submitted["currentStep"], "DISPOSITION");
    assert_eq!(submitted["holderRole"], "VICE_RECTOR");
    expected_events.push("submitted");

    let r = view(&app, &requester.token, &id).await;
    assert_eq!(r["agendaNumber"], agenda.as_str());
    assert_eq!(r["unit"], "Fakultas Teknik");
    assert_eq!(r["currentStepNumber"], 1);
    assert!(
        r["holder"].is_null(),
        "nobody is named yet: any vice rector may act"
    );
    assert_eq!(
        chain(&r),
        vec![(
            1,
            Some(requester.username.clone()),
            "VICE_RECTOR".into(),
            None
        )]
    );
    assert_eq!(r["openDisposition"]["stepNumber"], 1);
    assert_sla(&r, &[1], false);
    let e = events(&app, &requester.token, &id).await;
    assert_eq!(kinds_of(&e), strings(&expected_events));
    assert_eq!(e[0]["actorKind"], "user");
    assert_eq!(e[0]["actorLabel"], requester.username.as_str());
    assert_eq!(e[0]["toStatus"], "disposition");
    assert!(app.inbox_ids(&vice_rector.token).await.contains(&id));
    assert!(app.inbox_ids(&bureau_head.token).await.is_empty());
    let hidden = app
        .gql(
            Some(&bureau_head.token),
            crate::helpers::REQUEST_VIEW,
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        error_code(&hidden).as_deref(),
        Some("NOT_FOUND"),
        "step 1 is not the bureau's yet"
    );

    // Step 1: the Vice Rector dispositions it to the Head of Bureau.
    let due_at = (Utc::now() + chrono::Duration::hours(20)).trunc_subsecs(0);
    let d = app
        .gql_ok(
            Some(&vice_rector.token),
            FORWARD,
            json!({ "input": {
                "requestId": id,
                "instruction": "TINDAK_LANJUTI",
                "instructionText": "Mohon dipublikasikan sebelum wisuda",
                "priority": "SEGERA",
                "note": "Koordinasikan dengan fakultas",
                "dueAt": due_at.to_rfc3339(),
            } }),
        )
        .await;
    assert_eq!(d["forwardRequest"]["status"], "INSTRUCTION");
    assert_eq!(d["forwardRequest"]["currentStep"], "INSTRUCTION");
    assert_eq!(d["forwardRequest"]["holderRole"], "BUREAU_HEAD");
    expected_events.push("forwarded");
    let r = view(&app, &requester.token, &id).await;
    assert_eq!(
        r["priority"], "SEGERA",
        "the disposition's priority becomes the request's"
    );
    let dispositions = r["dispositions"].as_array().expect("dispositions");
    assert_eq!(dispositions.len(), 2);
    assert_eq!(dispositions[0]["outcome"], "forwarded");
    assert!(!dispositions[0]["doneAt"].is_null());
    let sheet = &dispositions[1];
    assert_eq!(sheet["stepNumber"], 2);
    assert_eq!(sheet["from"]["username"], vice_rector.username.as_str());
    assert_eq!(sheet["toRole"], "BUREAU_HEAD");
    assert_eq!(sheet["instruction"], "TINDAK_LANJUTI");
    assert_eq!(
        sheet["instructionText"],
        "Mohon dipublikasikan sebelum wisuda"
    );
    assert_eq!(sheet["priority"], "SEGERA");
    assert_eq!(sheet["note"], "Koordinasikan dengan fakultas");
    assert_eq!(time(&sheet["dueAt"]), due_at);
    assert!(sheet["readAt"].is_null() && sheet["doneAt"].is_null());
    assert_sla(&r, &[1, 2], false);
    assert_eq!(
        kinds_of(&events(&app, &requester.token, &id).await),
        strings(&expected_events)
    );
    assert!(!app.inbox_ids(&vice_rector.token).await.contains(&id));
    assert_eq!(app.inbox_ids(&bureau_head.token).await, vec![id.clone()]);

    // Step 2: the Head of Bureau reads the sheet, chooses two channels and instructs PKIH.
    let d = app
        .gql_ok(
            Some(&bureau_head.token),
            "mutation($id: ID!) { markDispositionRead(dispositionId: $id) { id readAt } }",
            json!({ "id": sheet["id"] }),
        )
        .await;
    assert!(!d["markDispositionRead"]["readAt"].is_null());
    expected_events.push("disposition_read");
    let d = app
        .gql_ok(
            Some(&bureau_head.token),
            FORWARD,
            json!({ "input": { "requestId": id, "channelIds": [info, humas], "instruction": "KOORDINASIKAN" } }),
        )
        .await;
    assert_eq!(d["forwardRequest"]["status"], "VERIFICATION");
    assert_eq!(d["forwardRequest"]["holderRole"], "PKIH_COORDINATOR");
    expected_events.extend(["channels_chosen", "forwarded"]);
    let r = view(&app, &bureau_head.token, &id).await;
    let mut chosen: Vec<&str> = r["channels"]
        .as_array()
        .expect("channels")
        .iter()
        .map(|c| c["id"].as_str().expect("id"))
        .collect();
    chosen.sort();
    let mut wanted = vec![info.as_str(), humas.as_str()];
    wanted.sort();
    assert_eq!(chosen, wanted);
    assert_eq!(
        r["publications"],
        json!([]),
        "nothing is queued before step 6"
    );
    assert!(
        !r["dispositions"][1]["readAt"].is_null(),
        "the sheet records when it was read"
    );
    assert_sla(&r, &[1, 2, 3], false);
    assert_eq!(
        kinds_of(&events(&app, &requester.token, &id).await),
        strings(&expected_events)
    );

    // Step 3: the PKIH Coordinator checks the details; an incomplete checklist is refused.
    let mut incomplete = complete_checklist();
    incomplete["contactClear"] = json!(false);
    let refused = app
        .gql(
            Some(&pkih.token),
            FORWARD,
            json!({ "input": { "requestId": id, "checklist": incomplete } }),
        )
        .await;
    assert_eq!(error_code(&refused).as_deref(), Some("BAD_USER_INPUT"));
    assert_eq!(error_rule(&refused).as_deref(), Some("ChecklistIncomplete"));
    let d = app
        .gql_ok(
            Some(&pkih.token),
            FORWARD,
            json!({ "input": { "requestId": id, "checklist": complete_checklist(), "instruction": "SIAPKAN_PUBLIKASI" } }),
        )
        .await;
    assert_eq!(d["forwardRequest"]["status"], "REVIEW");
    assert_eq!(d["forwardRequest"]["holderRole"], "HUMAS_DEPUTY");
    expected_events.extend(["details_verified", "forwarded"]);
    let r = view(&app, &requester.token, &id).await;
    assert_eq!(
        r["checklist"],
        json!({
            "letterAttached": true, "requesterIdentified": true, "scheduleClear": true,
            "contactClear": true, "mediaSuitable": true,
        })
    );
    assert_sla(&r, &[1, 2, 3, 4], false);
    assert_eq!(
        kinds_of(&events(&app, &requester.token, &id).await),
        strings(&expected_events)
    );

    // Step 4: the Deputy finds it fit after editing the narrative: a second content version.
    let edited = "Wisuda periode Desember 2026 dilaksanakan di Gedung Soetardjo, pukul 08.00 WIB.";
    let d = app
        .gql_ok(
            Some(&deputy.token),
            REVIEW,
            json!({ "input": {
                "requestId": id, "verdict": "FIT", "comment": "Layak setelah disunting",
                "title": "Wisuda Periode Desember 2026", "narrative": edited,
            } }),
        )
        .await;
    assert_eq!(d["reviewRequest"]["status"], "ASSIGNMENT");
    assert_eq!(d["reviewRequest"]["holderRole"], "HUMAS_DEPUTY");
    assert_eq!(
        d["reviewRequest"]["holder"]["id"],
        deputy.gid.as_str(),
        "step 5 stays with the reviewer"
    );
    expected_events.extend(["content_revised", "reviewed", "forwarded"]);
    let r = view(&app, &requester.token, &id).await;
    let versions = r["contentVersions"].as_array().expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["version"], 1);
    assert_eq!(versions[1]["version"], 2);
    assert_eq!(versions[1]["narrative"], edited);
    assert_eq!(versions[1]["author"]["username"], deputy.username.as_str());
    assert_eq!(r["content"]["version"], 2);
    assert_eq!(r["title"], "Wisuda Periode Desember 2026");
    assert_eq!(
        r["reviews"],
        json!([{
            "verdict": "FIT", "comment": "Layak setelah disunting", "contentVersion": 2,
            "reviewer": { "username": deputy.username },
        }])
    );
    assert_sla(&r, &[1, 2, 3, 4, 5], false);
    assert_eq!(
        kinds_of(&events(&app, &requester.token, &id).await),
        strings(&expected_events)
    );

    // Step 5: the Deputy instructs a named staff member.
    let d = app
        .gql_ok(
            Some(&deputy.token),
            FORWARD,
            json!({ "input": { "requestId": id, "toUserId": staff.gid, "instruction": "SIAPKAN_PUBLIKASI" } }),
        )
        .await;
    assert_eq!(d["forwardRequest"]["status"], "PUBLICATION");
    assert_eq!(d["forwardRequest"]["holderRole"], "STAFF");
    assert_eq!(d["forwardRequest"]["holder"]["id"], staff.gid.as_str());
    expected_events.push("forwarded");
    assert_eq!(app.inbox_ids(&staff.token).await, vec![id.clone()]);
    let r = view(&app, &staff.token, &id).await;
    assert_sla(&r, &[1, 2, 3, 4, 5, 6], false);

    // Step 6: staff publish: one queued publication (and one outbox job) per chosen channel.
    let d = app
        .gql_ok(
            Some(&staff.token),
            PUBLISH,
            json!({ "input": { "requestId": id } }),
        )
        .await;
    let published = &d["publishRequest"];
    assert_eq!(
        published["status"], "PUBLICATION",
        "the step ends only when every channel is sent"
    );
    let publications = published["publications"].as_array().expect("publications");
    assert_eq!(publications.len(), 2);
    assert!(
        publications.iter().all(|p| p["status"] == "QUEUED"),
        "{publications:?}"
    );
    let mut queued_on: Vec<&str> = publications
        .iter()
        .map(|p| p["channel"]["id"].as_str().expect("id"))
        .collect();
    queued_on.sort();
    assert_eq!(queued_on, wanted);
    expected_events.push("publication_queued");
    let jobs = publication_outbox(&app, &id).await;
    assert_eq!(jobs.len(), 2, "one publication job per channel");
    assert!(jobs.iter().all(|j| j.done_at.is_none()));

    // The worker claims both jobs (once: a second claim finds nothing) and reports them sent.
    let d = app
        .gql_ok(Some(&worker), CLAIM, json!({ "worker": "worker-1" }))
        .await;
    let claimed = d["claimPublicationJobs"].as_array().expect("jobs").clone();
    assert_eq!(claimed.len(), 2);
    for job in &claimed {
        assert_eq!(job["publication"]["requestId"], id.as_str());
        // Claimed under a lease; `sending` only once the worker starts its first call.
        assert_eq!(job["publication"]["status"], "QUEUED");
        assert_eq!(job["agendaNumber"], agenda.as_str());
        assert_eq!(job["text"], edited, "the approved version is what goes out");
    }
    expected_events.extend(["publication_claimed", "publication_claimed"]);
    let again = app
        .gql_ok(Some(&worker), CLAIM, json!({ "worker": "worker-2" }))
        .await;
    assert_eq!(
        again["claimPublicationJobs"],
        json!([]),
        "a leased job is not handed out twice"
    );
    for (i, job) in claimed.iter().enumerate() {
        let link = format!("https://t.me/c/1234567/{}", 200 + i);
        let d = app
            .gql_ok(
                Some(&worker),
                REPORT,
                json!({ "input": {
                    "publicationId": job["publication"]["id"], "outcome": "SENT",
                    "messageIds": [200 + i], "link": link,
                } }),
            )
            .await;
        assert_eq!(d["reportPublication"]["status"], "SENT");
        assert_eq!(d["reportPublication"]["link"], link.as_str());
        assert_eq!(d["reportPublication"]["messageIds"], json!([200 + i]));
        let r = view(&app, &staff.token, &id).await;
        if i == 0 {
            assert_eq!(r["status"], "PUBLICATION", "one channel is still sending");
            expected_events.push("delivery_recorded");
        } else {
            assert_eq!(r["status"], "ARCHIVING");
            assert_eq!(r["currentStep"], "ARCHIVING");
            assert_eq!(r["holderRole"], "STAFF");
            assert_eq!(r["holder"]["id"], staff.gid.as_str());
            expected_events.extend(["delivery_recorded", "publication_completed"]);
            assert_sla(&r, &[1, 2, 3, 4, 5, 6, 7], false);
        }
    }
    assert!(
        publication_outbox(&app, &id)
            .await
            .iter()
            .all(|j| j.done_at.is_some()),
        "jobs are done"
    );
    let e = events(&app, &requester.token, &id).await;
    assert_eq!(kinds_of(&e), strings(&expected_events));
    let delivery = e
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["kind"] == "delivery_recorded")
        .expect("one");
    assert_eq!(
        delivery["actorKind"], "client",
        "the worker is recorded as the actor"
    );

    // Step 7: staff archive it.
    let d = app
        .gql_ok(
            Some(&staff.token),
            ARCHIVE,
            json!({ "input": { "requestId": id, "classificationCode": "HM.00.01", "retentionYears": 5 } }),
        )
        .await;
    let archived = &d["archiveRequest"];
    assert_eq!(archived["status"], "ARCHIVED");
    assert!(archived["currentStep"].is_null() && archived["holderRole"].is_null());
    assert!(!archived["closedAt"].is_null());
    expected_events.push("archived");
    let r = view(&app, &requester.token, &id).await;
    let entry = &r["archiveEntry"];
    assert_eq!(entry["classificationCode"], "HM.00.01");
    assert_eq!(entry["retentionYears"], 5);
    assert_eq!(entry["finalText"], edited);
    assert_eq!(entry["title"], "Wisuda Periode Desember 2026");
    assert_eq!(entry["archivedBy"]["username"], staff.username.as_str());
    let today = (Utc::now() + chrono::Duration::hours(7)).date_naive();
    let retain_until =
        chrono::NaiveDate::parse_from_str(entry["retainUntil"].as_str().expect("date"), "%Y-%m-%d")
            .expect("a date");
    assert_eq!(retain_until.year(), today.year() + 5);
    assert!(r["openDisposition"].is_null());
    assert_sla(&r, &[1, 2, 3, 4, 5, 6, 7], true);
    let outcomes: Vec<&str> = r["dispositions"]
        .as_array()
        .expect("sheet")
        .iter()
        .map(|d| d["outcome"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(
        outcomes,
        [
            "forwarded",
            "forwarded",
            "forwarded",
            "forwarded",
            "forwarded",
            "published",
            "archived"
        ]
    );
    let who = |u: &warta_tests::TestUser| Some(u.username.clone());
    assert_eq!(
        chain(&r),
        vec![
            (1, who(&requester), "VICE_RECTOR".into(), None),
            (2, who(&vice_rector), "BUREAU_HEAD".into(), None),
            (3, who(&bureau_head), "PKIH_COORDINATOR".into(), None),
            (4, who(&pkih), "HUMAS_DEPUTY".into(), None),
            (5, who(&deputy), "HUMAS_DEPUTY".into(), who(&deputy)),
            (6, who(&deputy), "STAFF".into(), who(&staff)),
            (7, who(&staff), "STAFF".into(), who(&staff)),
        ]
    );
    let e = events(&app, &requester.token, &id).await;
    assert_eq!(kinds_of(&e), strings(&expected_events));
    assert_eq!(
        e.as_array().expect("events").last().expect("one")["toStatus"],
        "archived"
    );
    assert!(
        app.inbox_ids(&staff.token).await.is_empty(),
        "nothing waits on staff any more"
    );

    // Nothing more can happen to an archived request.
    let again = app
        .gql(
            Some(&staff.token),
            ARCHIVE,
            json!({ "input": { "requestId": id, "classificationCode": "HM.00.02", "retentionYears": 1 } }),
        )
        .await;
    assert_eq!(error_code(&again).as_deref(), Some("BAD_USER_INPUT"));
    assert_eq!(error_rule(&again).as_deref(), Some("RequestClosed"));

    // A third party with read:published sees the announcement as it went out, and no more.
    let d = app
        .gql_ok(
            Some(&reader),
            "{ publishedAnnouncements { edges { node { requestId agendaNumber title text publishedAt posts { channel link sentAt } } } } }",
            json!({}),
        )
        .await;
    let edges = d["publishedAnnouncements"]["edges"]
        .as_array()
        .expect("edges");
    assert_eq!(edges.len(), 1);
    let node = &edges[0]["node"];
    assert_eq!(node["requestId"], id.as_str());
    assert_eq!(node["agendaNumber"], agenda.as_str());
    assert_eq!(node["text"], edited);
    assert!(!node["publishedAt"].is_null());
    let posts = node["posts"].as_array().expect("posts");
    let mut names: Vec<&str> = posts
        .iter()
        .map(|p| p["channel"].as_str().expect("a name"))
        .collect();
    names.sort();
    assert_eq!(names, ["Humas UNEJ", "Info UNEJ"]);
    let mut links: Vec<&str> = posts
        .iter()
        .map(|p| p["link"].as_str().expect("a link"))
        .collect();
    links.sort();
    assert_eq!(
        links,
        ["https://t.me/c/1234567/200", "https://t.me/c/1234567/201"]
    );
    assert!(posts.iter().all(|p| !p["sentAt"].is_null()));
    let refused = app
        .gql(
            Some(&reader),
            "{ requests { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&refused).as_deref(), Some("FORBIDDEN"));
}
