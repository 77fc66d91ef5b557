//! The OpenAPI 3.1 document — every API route documented, every body
//! typed, every error problem+json — and its self-hosted docs page.

use super::*;

#[tokio::test]
async fn the_openapi_document_is_3_1_and_documents_every_api_route() {
    let t = spawn_app().await;
    let resp = client()
        .get(t.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let doc: Value = resp.json().await.unwrap();
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "openapi: {}",
        doc["openapi"]
    );
    assert!(
        doc["paths"]["/api/v1/auth/token"]["post"].is_object(),
        "token endpoint documented"
    );
    let undocumented: Vec<String> = table()
        .iter()
        .filter(|r| r.surface == Surface::Api)
        .filter(|r| !doc["paths"][r.path][r.method.as_str().to_ascii_lowercase()].is_object())
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        undocumented.is_empty(),
        "API routes missing from the OpenAPI document: {undocumented:?}"
    );
}

/// Values of `attr="…"` in an HTML document.
fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let marker = format!("{attr}=\"");
    html.match_indices(&marker)
        .filter_map(|(i, _)| {
            let start = i + marker.len();
            html[start..].find('"').map(|end| &html[start..start + end])
        })
        .collect()
}

#[tokio::test]
async fn the_api_docs_are_served_from_this_server_without_external_hosts() {
    let t = spawn_app().await;
    let resp = client().get(t.url("/api/docs/")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(header(&resp, "content-type").starts_with("text/html"));
    let html = resp.text().await.unwrap();
    let references: Vec<&str> = attribute_values(&html, "src")
        .into_iter()
        .chain(attribute_values(&html, "href"))
        .collect();
    let external: Vec<&&str> = references
        .iter()
        .filter(|r| r.starts_with("http://") || r.starts_with("https://") || r.starts_with("//"))
        .collect();
    assert!(
        external.is_empty(),
        "the docs load from other hosts: {external:?}"
    );

    let scripts: Vec<&str> = attribute_values(&html, "src")
        .into_iter()
        .filter(|s| s.ends_with(".js"))
        .collect();
    let styles: Vec<&str> = attribute_values(&html, "href")
        .into_iter()
        .filter(|s| s.ends_with(".css"))
        .collect();
    assert!(
        !scripts.is_empty(),
        "the docs page references its scripts:\n{html}"
    );
    let mut points_at_our_document = false;
    for asset in scripts.iter().chain(&styles) {
        let path = if asset.starts_with('/') {
            asset.to_string()
        } else {
            format!("/api/docs/{}", asset.trim_start_matches("./"))
        };
        let resp = client().get(t.url(&path)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path} is served by us");
        let body = resp.text().await.unwrap();
        assert!(!body.is_empty(), "{path} has content");
        points_at_our_document |= body.contains("/api/openapi.json");
    }
    assert!(points_at_our_document, "the docs load /api/openapi.json");
}

/// Why `schema` (resolved against `doc`'s components) is not a typed body,
/// if it is not: an object without properties, a missing schema, an array
/// of untyped items. Declared maps (`additionalProperties`) count as typed.
fn untyped(
    doc: &Value,
    schema: &Value,
    at: &str,
    seen: &mut BTreeSet<String>,
    out: &mut Vec<String>,
) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        if seen.insert(name.to_owned()) {
            let target = &doc["components"]["schemas"][name];
            if target.is_null() {
                out.push(format!("{at}: dangling {r}"));
            }
            untyped(doc, target, name, seen, out);
        }
        return;
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = schema[key].as_array() {
            for (i, s) in list.iter().enumerate() {
                untyped(doc, s, &format!("{at}.{key}[{i}]"), seen, out);
            }
            return;
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if types.is_empty() {
        out.push(format!("{at}: no type ({schema})"));
    } else if types.contains(&"array") {
        untyped(doc, &schema["items"], &format!("{at}[]"), seen, out);
    } else if types.contains(&"object") {
        match schema["properties"].as_object() {
            Some(props) if !props.is_empty() => {
                for (name, p) in props {
                    untyped(doc, p, &format!("{at}.{name}"), seen, out);
                }
            }
            _ if !schema["additionalProperties"].is_null() => {}
            _ => out.push(format!("{at}: object without properties")),
        }
    }
}

#[tokio::test]
async fn every_api_body_is_typed_and_every_error_is_problem_json() {
    let t = spawn_app().await;
    let doc: Value = client()
        .get(t.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let at = format!("{} {path}", method.to_uppercase());
            if let Some(body) = op.get("requestBody") {
                match body["content"]["application/json"].get("schema") {
                    Some(s) => untyped(&doc, s, &format!("{at} request"), &mut seen, &mut problems),
                    None => problems.push(format!("{at}: request body without a JSON schema")),
                }
            }
            let responses = op["responses"].as_object().unwrap();
            for (status, r) in responses {
                let code: u16 = status.parse().unwrap();
                if code >= 400 {
                    if r["content"]["application/problem+json"]["schema"]["$ref"]
                        != "#/components/schemas/Problem"
                    {
                        problems.push(format!(
                            "{at} {status}: not application/problem+json Problem"
                        ));
                    }
                } else if let Some(content) = r["content"].as_object() {
                    for (media, c) in content {
                        if media == "application/json" {
                            untyped(
                                &doc,
                                &c["schema"],
                                &format!("{at} {status}"),
                                &mut seen,
                                &mut problems,
                            );
                        }
                    }
                }
            }
            let secured = op.get("security").is_some();
            for needed in ["503"]
                .into_iter()
                .chain(secured.then_some("401"))
                .chain(op.get("requestBody").map(|_| "422"))
                .chain(path.contains('{').then_some("404"))
            {
                if !responses.contains_key(needed) {
                    problems.push(format!("{at}: {needed} not documented"));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "untyped or undocumented:\n{}",
        problems.join("\n")
    );
}
