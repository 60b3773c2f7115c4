//! "Did you mean ...?" for misspelled names in scenarios and on the command line.

/// The candidate closest to `name` (case-insensitive Damerau-Levenshtein),
/// if it is close enough to be a plausible misspelling.
pub fn closest<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&wanted, &c.to_lowercase()), c))
        .filter(|&(distance, c)| distance <= (c.chars().count().max(3) / 2).max(2))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, c)| c)
}

/// `"; did you mean `X`?"` when a close candidate exists, else the empty string.
pub fn hint<'a, I>(name: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    closest(name, candidates).map(|c| format!("; did you mean `{c}`?")).unwrap_or_default()
}

/// What to tell someone who wrote `name` where one of `candidates` was
/// expected: `"; did you mean `X`?"` for a plausible misspelling, else the
/// list of valid names when it is short (at most 12), else nothing.
pub fn alternatives<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let suggestion = hint(name, candidates.iter().copied());
    if !suggestion.is_empty() {
        return suggestion;
    }
    let quoted: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => format!("; expected {one}"),
        [one, two] => format!("; expected {one} or {two}"),
        many if many.len() <= 12 => format!("; expected one of {}", many.join(", ")),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_plausible_misspellings_only() {
        let names = ["noise_scale", "position_jitter", "rounds"];
        assert_eq!(closest("noise_scal", names), Some("noise_scale"));
        assert_eq!(closest("ROUNDS", names), Some("rounds"));
        assert_eq!(closest("completely_different", names), None);
        assert_eq!(hint("DEUU", ["DEU", "FRA"]), "; did you mean `DEU`?");
        assert_eq!(hint("XYZABC", ["DEU"]), "");
        assert_eq!(alternatives("zzz", ["a", "b"]), "; expected `a` or `b`");
        assert_eq!(alternatives("cohesin", ["cohesion"]), "; did you mean `cohesion`?");
    }
}
