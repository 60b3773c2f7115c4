//! The General Assembly voting board: the Hall's two boards flanking the
//! podium list the member states in English alphabetical order, column by
//! column. Here: two panels of columns of 25 rows (4 columns each for 193
//! states), one tile per state showing the shares of runs in which it voted
//! Yes, No, abstained or was absent (a stacked bar), its ISO3 code, its
//! recorded vote when known, and a tooltip with its numbers.

use super::html::prob;
use super::svg::{Svg, colour, esc, num};
use std::fmt::Write as _;

/// Rows per board column, as in the Hall.
pub const ROWS: usize = 25;

/// One state's tile.
pub struct Tile {
    /// ISO3 code (the label).
    pub iso3: String,
    /// Name (the sort key and the tooltip).
    pub name: String,
    /// P(Yes), P(No), P(Abstain), P(Absent); `None` undefined.
    pub p: [Option<f64>; 4],
    /// P(tipping point), when the column exists.
    pub p_tipping: Option<f64>,
    /// P(decisive).
    pub p_decisive: Option<f64>,
    /// The recorded vote (`yes`, `no`, `abstain`, `absent`), when known.
    pub recorded: Option<String>,
    /// The blocs the state belongs to, when known.
    pub blocs: Vec<String>,
}

/// The colours of Yes, No, Abstain and Absent.
pub const VOTE_COLOURS: [&str; 4] = [colour::YES, colour::NO, colour::ABSTAIN, colour::ABSENT];

/// `name` folded for English alphabetical order: lower case, Latin
/// diacritics dropped (`Côte d'Ivoire` sorts as `cote d'ivoire`).
pub fn sort_key(name: &str) -> String {
    name.chars()
        .map(|c| match c.to_lowercase().next().unwrap_or(c) {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            '’' => '\'',
            c => c,
        })
        .collect()
}

/// The board of `tiles` (any order: they are sorted by name here) as an
/// SVG document; `title` is its accessible title.
pub fn board(tiles: &[Tile], title: &str, tipping_known: bool) -> String {
    let mut order: Vec<&Tile> = tiles.iter().collect();
    order.sort_by(|a, b| sort_key(&a.name).cmp(&sort_key(&b.name)).then(a.iso3.cmp(&b.iso3)));
    let columns = order.len().div_ceil(ROWS).max(1);
    let left_columns = columns.div_ceil(2);
    let (tile_w, tile_h, gap, aisle, margin, top) = (104.0, 19.0, 6.0, 40.0, 12.0, 40.0);
    let column_x = |c: usize| margin + c as f64 * (tile_w + gap) + if c >= left_columns { aisle - gap } else { 0.0 };
    // Wide enough for the legend, however few the states.
    let width = (column_x(columns - 1) + tile_w + margin).max(480.0);
    let height = top + ROWS.min(order.len().max(1)) as f64 * (tile_h + 3.0) + margin;
    let desc = "Each tile is a member state, in English alphabetical order column by column over the two \
                panels; its bar shows the shares of runs in which the state voted Yes, No, abstained or was \
                absent; a ring at its right end, if any, shows its recorded vote.";
    let mut svg = Svg::new(width, height, title, desc);
    let legend = [(colour::YES, "Yes"), (colour::NO, "No"), (colour::ABSTAIN, "Abstain"), (colour::ABSENT, "Absent")];
    svg.legend((margin, 18.0), &legend);
    if order.iter().any(|t| t.recorded.is_some()) {
        let ring_x = margin + 290.0;
        svg.raw(&format!(
            "<g class=\"legend\"><circle cx=\"{}\" cy=\"14\" r=\"4.5\" fill=\"#FFFFFF\" stroke=\"{}\" stroke-width=\"2\"/>\n",
            num(ring_x),
            colour::INK
        ));
        svg.text((ring_x + 10.0, 18.0), "start", "", "recorded vote (ring colour)");
        svg.raw("</g>\n");
    }
    if columns > 1 {
        let aisle_x = (column_x(left_columns - 1) + tile_w + column_x(left_columns)) / 2.0;
        let mid = top + (height - top - margin) / 2.0;
        let style = format!(
            "fill=\"{}\" font-size=\"10\" transform=\"rotate(-90 {} {})\"",
            colour::MUTED,
            num(aisle_x),
            num(mid)
        );
        svg.text((aisle_x, mid), "middle", &style, "podium");
    }
    for (k, tile) in order.iter().enumerate() {
        let (x, y) = (column_x(k / ROWS), top + (k % ROWS) as f64 * (tile_h + 3.0));
        draw_tile(&mut svg, tile, (x, y), (tile_w, tile_h), tipping_known);
    }
    svg.finish()
}

/// The tooltip of a tile: name and code, then one line per number.
fn tooltip(tile: &Tile, tipping_known: bool) -> String {
    let mut text = format!("{} ({})", tile.name, tile.iso3);
    for (label, value) in
        [("P(Yes)", tile.p[0]), ("P(No)", tile.p[1]), ("P(Abstain)", tile.p[2]), ("P(Absent)", tile.p[3])]
    {
        write!(text, "\n{label} {}", prob(value)).unwrap();
    }
    if tipping_known {
        write!(text, "\nP(tipping point) {}", prob(tile.p_tipping)).unwrap();
    }
    write!(text, "\nP(decisive) {}", prob(tile.p_decisive)).unwrap();
    if let Some(vote) = &tile.recorded {
        write!(text, "\nrecorded vote: {vote}").unwrap();
    }
    if !tile.blocs.is_empty() {
        write!(text, "\nblocs: {}", tile.blocs.join(", ")).unwrap();
    }
    text
}

fn draw_tile(svg: &mut Svg, tile: &Tile, (x, y): (f64, f64), (w, h): (f64, f64), tipping_known: bool) {
    svg.raw(&format!(
        "<g class=\"tile\" data-iso3=\"{}\">\n<title>{}</title>\n",
        esc(&tile.iso3),
        esc(&tooltip(tile, tipping_known))
    ));
    svg.rect(x, y, w, h, "#FFFFFF", "stroke=\"#D0D0D0\"");
    svg.text((x + 4.0, y + 13.5), "start", "font-size=\"10.5\" font-weight=\"600\"", &tile.iso3);
    let (bar_x, bar_w, bar_h) = (x + 36.0, w - 52.0, h - 8.0);
    let bar_y = y + 4.0;
    if tile.p.iter().all(Option::is_none) {
        svg.rect(bar_x, bar_y, bar_w, bar_h, "none", &format!("stroke=\"{}\" stroke-dasharray=\"2 2\"", colour::MUTED));
    } else {
        let mut at = bar_x;
        for (p, fill) in tile.p.iter().zip(VOTE_COLOURS) {
            let width = p.unwrap_or(0.0).clamp(0.0, 1.0) * bar_w;
            if width > 0.0 {
                svg.rect(at, bar_y, width, bar_h, fill, "");
            }
            at += width;
        }
    }
    let recorded =
        tile.recorded.as_deref().and_then(|v| ["yes", "no", "abstain", "absent"].iter().position(|w| *w == v));
    if let Some(vote) = recorded {
        svg.raw(&format!(
            "<circle class=\"recorded-vote\" cx=\"{}\" cy=\"{}\" r=\"4.5\" fill=\"#FFFFFF\" stroke=\"{}\" stroke-width=\"2.5\"/>\n",
            num(x + w - 8.0),
            num(y + h / 2.0),
            VOTE_COLOURS[vote]
        ));
    }
    svg.raw("</g>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tile(iso3: &str, name: &str) -> Tile {
        Tile {
            iso3: iso3.into(),
            name: name.into(),
            p: [Some(0.5), Some(0.25), None, Some(0.25)],
            p_tipping: None,
            p_decisive: Some(0.0),
            recorded: Some("no".into()),
            blocs: vec!["EU".into()],
        }
    }

    #[test]
    fn states_sort_alphabetically_by_folded_name() {
        let mut names = ["Cuba", "Côte d'Ivoire", "Costa Rica", "Croatia"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, ["Costa Rica", "Côte d'Ivoire", "Croatia", "Cuba"]);
    }

    #[test]
    fn the_board_has_a_tile_per_state_in_columns_of_25() {
        let tiles: Vec<Tile> = (0..193).map(|i| tile(&format!("S{i:02}"), &format!("State {i:03}"))).collect();
        let svg = board(&tiles, "board", false);
        assert_eq!(svg.matches("class=\"tile\"").count(), 193);
        assert_eq!(svg.matches("class=\"recorded-vote\"").count(), 193);
        // Column by column: the 26th state tops the second column.
        let first = svg.find("data-iso3=\"S00\"").unwrap();
        let second_column = &svg[svg.find("data-iso3=\"S25\"").unwrap()..];
        assert!(second_column.contains("<rect x=\"122.0\" y=\"40.0\""), "{}", &second_column[..300]);
        assert!(first < svg.find("data-iso3=\"S25\"").unwrap());
        assert!(svg.contains("P(Abstain) –"), "undefined, not 0");
        assert!(!svg.contains("P(tipping point)"));
    }
}
