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
    }
}
