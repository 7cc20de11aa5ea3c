//! Query strings and form bodies, parsed the way Medusa's `qs.parse(str, {arrayLimit: Infinity})`
//! does: `a[]=x`, `a[0]=x`, `a[b][c]=x`, repeated keys, `+` as a space, percent-encoded brackets.
//! Then Medusa's own normalisation: a one-element string array is split on commas, and a dotted key
//! (`groups.id=x`) nests one level.

use serde_json::{Map, Value};

/// qs's default nesting depth. Deeper keys are refused (Medusa answers 500 for some of them).
pub const MAX_DEPTH: usize = 5;
/// Array indices above this stay object keys, so `a[999999999]=x` cannot allocate a huge array.
const MAX_INDEX: usize = 1000;

/// A map keeps insertion order and finds keys in O(1): a query of many distinct keys costs linear
/// time, not quadratic.
type Entries = indexmap::IndexMap<String, Node>;

#[derive(Debug)]
enum Node {
    Leaf(String),
    List(Vec<Node>),
    Map(Entries),
}

/// At most this many `key=value` pairs in one query string or form body.
pub const MAX_PAIRS: usize = 10_000;

/// Why a query string could not be read.
#[derive(Debug, PartialEq)]
pub struct QsError(pub String);

fn decode(s: &str) -> String {
    let spaced = s.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

/// Splits `a[b][]` into `["a", "b", ""]`.
fn key_path(key: &str) -> Result<Vec<String>, QsError> {
    let (root, mut rest) = match key.find('[') {
        Some(0) | None => return Ok(vec![key.to_string()]),
        Some(i) => (&key[..i], &key[i..]),
    };
    let mut path = vec![root.to_string()];
    while let Some(stripped) = rest.strip_prefix('[') {
        let Some(end) = stripped.find(']') else { break };
        path.push(stripped[..end].to_string());
        rest = &stripped[end + 1..];
        if path.len() > MAX_DEPTH + 1 {
            return Err(QsError(format!(
                "Key '{key}' is nested more than {MAX_DEPTH} levels deep"
            )));
        }
    }
    if !rest.is_empty() {
        // qs keeps an unparsable tail as part of the last segment
        if let Some(last) = path.last_mut() {
            last.push_str(rest);
        }
    }
    Ok(path)
}

fn insert(slot: &mut Option<Node>, path: &[String], value: String) {
    let Some((head, tail)) = path.split_first() else {
        *slot = Some(match slot.take() {
            None => Node::Leaf(value),
            Some(Node::Leaf(old)) => Node::List(vec![Node::Leaf(old), Node::Leaf(value)]),
            Some(Node::List(mut items)) => {
                items.push(Node::Leaf(value));
                Node::List(items)
            }
            // `a[b]=1&a=2`: qs keeps the object; the stray scalar is dropped
            Some(map @ Node::Map(_)) => map,
        });
        return;
    };
    if head.is_empty() {
        let mut items = match slot.take() {
            None => Vec::new(),
            Some(Node::List(items)) => items,
            Some(leaf @ Node::Leaf(_)) => vec![leaf],
            Some(map @ Node::Map(_)) => {
                *slot = Some(map);
                return;
            }
        };
        let mut child = None;
        insert(&mut child, tail, value);
        items.extend(child);
        *slot = Some(Node::List(items));
        return;
    }
    let mut entries = match slot.take() {
        None => Entries::new(),
        Some(Node::Map(entries)) => entries,
        Some(Node::List(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, n)| (i.to_string(), n))
            .collect(),
        Some(Node::Leaf(old)) => Entries::from([(old, Node::Leaf(String::new()))]),
    };
    match entries.get_mut(head.as_str()) {
        Some(node) => {
            let mut child = Some(std::mem::replace(node, Node::Leaf(String::new())));
            insert(&mut child, tail, value);
            if let Some(c) = child {
                *node = c;
            }
        }
        None => {
            let mut child = None;
            insert(&mut child, tail, value);
            if let Some(c) = child {
                entries.insert(head.clone(), c);
            }
        }
    }
    *slot = Some(Node::Map(entries));
}

fn to_value(node: Node) -> Value {
    match node {
        Node::Leaf(s) => Value::String(s),
        Node::List(items) => Value::Array(items.into_iter().map(to_value).collect()),
        Node::Map(entries) => {
            let indexed: Option<Vec<usize>> = entries
                .iter()
                .map(|(k, _)| {
                    k.parse::<usize>()
                        .ok()
                        .filter(|i| *i <= MAX_INDEX && (k == "0" || !k.starts_with('0')))
                })
                .collect();
            match indexed {
                // qs turns `a[1]=x&a[0]=y` into a compact array ordered by index
                Some(mut idx) if !entries.is_empty() => {
                    let mut pairs: Vec<(usize, Node)> =
                        idx.drain(..).zip(entries.into_iter().map(|(_, n)| n)).collect();
                    pairs.sort_by_key(|(i, _)| *i);
                    Value::Array(pairs.into_iter().map(|(_, n)| to_value(n)).collect())
                }
                _ => Value::Object(entries.into_iter().map(|(k, n)| (k, to_value(n))).collect()),
            }
        }
    }
}

/// Parses `a=1&b[]=2` into a JSON object of strings, arrays and objects.
pub fn parse(raw: &str) -> Result<Map<String, Value>, QsError> {
    let mut root: Option<Node> = Some(Node::Map(Entries::new()));
    for (n, pair) in raw.split('&').filter(|p| !p.is_empty()).enumerate() {
        if n >= MAX_PAIRS {
            return Err(QsError(format!("Too many parameters: at most {MAX_PAIRS}")));
        }
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(k);
        if key.is_empty() {
            continue;
        }
        let value = decode(v);
        if key.contains('\0') || value.contains('\0') {
            return Err(QsError("Text may not contain NUL (\\u0000) characters".into()));
        }
        let path = key_path(&key)?;
        insert(&mut root, &path, value);
    }
    let mut map = match root.map(to_value) {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    // `a[0]=x` at the top level stays a key named `a` holding an array: nothing to do here.
    map.retain(|k, _| !k.is_empty());
    Ok(map)
}

/// Medusa's query normalisation: a one-element string array is split on commas (`id[]=a,b`), and
/// a dotted key nests one level (`groups.id=x` becomes `{groups: {id: x}}`).
pub fn normalize(map: Map<String, Value>) -> Result<Map<String, Value>, QsError> {
    let mut out = Map::new();
    for (key, value) in map {
        let value = split_single(value);
        match key.split_once('.') {
            Some((head, tail)) if !head.is_empty() && !tail.is_empty() => {
                if tail.contains('.') {
                    return Err(QsError(format!("Key accessor more than 2 levels deep: {key}")));
                }
                let entry = out
                    .entry(head.to_string())
                    .or_insert_with(|| Value::Object(Map::new()));
                match entry {
                    Value::Object(obj) => {
                        obj.insert(tail.to_string(), value);
                    }
                    other => {
                        let mut obj = Map::new();
                        obj.insert(tail.to_string(), value);
                        *other = Value::Object(obj);
                    }
                }
            }
            _ => {
                out.insert(key, value);
            }
        }
    }
    Ok(out)
}

fn split_single(value: Value) -> Value {
    match value {
        Value::Array(items) => {
            if let [Value::String(s)] = items.as_slice()
                && s.contains(',')
            {
                return Value::Array(s.split(',').map(|p| Value::String(p.to_string())).collect());
            }
            Value::Array(items.into_iter().map(split_single).collect())
        }
        Value::Object(obj) => Value::Object(obj.into_iter().map(|(k, v)| (k, split_single(v))).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(s: &str) -> Value {
        Value::Object(normalize(parse(s).unwrap()).unwrap())
    }

    #[test]
    fn brackets_arrays_and_repeats() {
        assert_eq!(p("a=1&b=2"), json!({"a":"1","b":"2"}));
        assert_eq!(p("id[]=x&id[]=y"), json!({"id":["x","y"]}));
        assert_eq!(p("id=x&id=y"), json!({"id":["x","y"]}));
        assert_eq!(p("id%5B%5D=x"), json!({"id":["x"]}));
        assert_eq!(p("created_at[$gt]=2020"), json!({"created_at":{"$gt":"2020"}}));
        assert_eq!(
            p("created_at%5B%24gt%5D=2020"),
            json!({"created_at":{"$gt":"2020"}})
        );
        assert_eq!(
            p("$or[0][email]=a&$or[1][email]=b"),
            json!({"$or":[{"email":"a"},{"email":"b"}]})
        );
        assert_eq!(
            p("$or[1][email]=b&$or[0][email]=a"),
            json!({"$or":[{"email":"a"},{"email":"b"}]})
        );
        assert_eq!(p("fields=+company_name"), json!({"fields":" company_name"}));
        assert_eq!(p("fields=%2Bcompany_name"), json!({"fields":"+company_name"}));
        assert_eq!(p("q=&x"), json!({"q":"","x":""}));
    }

    #[test]
    fn medusa_normalisation() {
        assert_eq!(p("id[]=a,b"), json!({"id":["a","b"]}));
        assert_eq!(p("id=a,b"), json!({"id":"a,b"}));
        assert_eq!(p("groups.id=x"), json!({"groups":{"id":"x"}}));
        assert!(normalize(parse("a.b.c=1").unwrap()).is_err());
    }

    #[test]
    fn depth_is_bounded() {
        assert!(parse("a[1][2][3][4][5]=x").is_ok());
        assert!(parse("a[1][2][3][4][5][6]=x").is_err());
        assert_eq!(p("a[99999999]=x"), json!({"a":{"99999999":"x"}}));
    }
}
