//! The small chart of a filter's CAPTCHA outcomes, drawn on the server as
//! SVG so that it needs no JavaScript: one bar per day, as tall as the day's
//! challenges, split into solved, abandoned and still open. The words come
//! from the caller (localised); the chart carries a title and a text
//! description for screen readers, and the page shows the figures as a table.

use std::fmt::Write;

use super::outcomes::SettledDay;

const BAR: u32 = 10;
const GAP: u32 = 2;
const HEIGHT: u32 = 80;
/// Room under the bars: a row of dates, then the legend.
const LEGEND: u32 = 34;

/// The words of a chart, localised by the caller.
#[derive(Debug, Clone, Default)]
pub struct ChartWords {
    pub title: String,
    /// What the chart says, in a sentence (read instead of it).
    pub description: String,
    pub solved: String,
    pub abandoned: String,
    pub open: String,
}

/// Colours of MediaWiki's Codex palette: success, subtle, progressive.
const PARTS: [(&str, &str); 3] = [
    ("solved", "#14866d"),
    ("abandoned", "#a2a9b1"),
    ("open", "#6485d1"),
];

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `YYYYMMDD` as `YYYY-MM-DD`; anything else as it is.
pub fn iso_date(day: &str) -> String {
    if day.len() == 8 && day.is_ascii() {
        format!("{}-{}-{}", &day[..4], &day[4..6], &day[6..])
    } else {
        day.to_owned()
    }
}

/// Pixels of `part` in a bar scaled so that `max` challenges fill `HEIGHT`.
fn scaled(part: u64, max: u64) -> u32 {
    if max == 0 {
        return 0;
    }
    let px = (part as f64 / max as f64 * f64::from(HEIGHT)).round() as u32;
    // A day with any challenge stays visible.
    if part > 0 {
        px.max(1)
    } else {
        0
    }
}

/// An SVG of `days` (oldest first), one bar each.
pub fn chart_svg(days: &[SettledDay], words: &ChartWords) -> String {
    let width = (days.len() as u32).max(1) * (BAR + GAP) + GAP;
    let height = HEIGHT + LEGEND + 4;
    let max = days.iter().map(|d| d.challenged).max().unwrap_or(0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"captchaguard-outcome-chart\" \
         width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-labelledby=\"captchaguard-chart-title captchaguard-chart-desc\">\
         <title id=\"captchaguard-chart-title\">{}</title>\
         <desc id=\"captchaguard-chart-desc\">{}</desc>\
         <line x1=\"0\" y1=\"{HEIGHT}.5\" x2=\"{width}\" y2=\"{HEIGHT}.5\" stroke=\"#c8ccd1\"/>",
        escape(&words.title),
        escape(&words.description)
    );
    for (index, day) in days.iter().enumerate() {
        let x = GAP + index as u32 * (BAR + GAP);
        let mut top = HEIGHT;
        for ((part, colour), value) in PARTS.iter().zip([day.solved, day.abandoned, day.open]) {
            let px = scaled(value, max);
            if px == 0 {
                continue;
            }
            top -= px.min(top);
            let _ = write!(
                svg,
                "<rect class=\"captchaguard-chart-{part}\" x=\"{x}\" y=\"{top}\" width=\"{BAR}\" \
                 height=\"{px}\" fill=\"{colour}\"><title>{}: {value}</title></rect>",
                escape(&day.day)
            );
        }
    }
    if let (Some(first), Some(last)) = (days.first(), days.last()) {
        let _ = write!(
            svg,
            "<text x=\"{GAP}\" y=\"{}\" font-size=\"10\" font-family=\"sans-serif\">{}</text>\
             <text x=\"{}\" y=\"{}\" font-size=\"10\" font-family=\"sans-serif\" \
             text-anchor=\"end\">{}</text>",
            HEIGHT + 13,
            escape(&iso_date(&first.day)),
            width - GAP,
            HEIGHT + 13,
            escape(&iso_date(&last.day))
        );
    }
    let mut x = GAP;
    for ((part, colour), word) in PARTS
        .iter()
        .zip([&words.solved, &words.abandoned, &words.open])
    {
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"{}\" width=\"8\" height=\"8\" fill=\"{colour}\"/>\
             <text class=\"captchaguard-chart-legend-{part}\" x=\"{}\" y=\"{}\" font-size=\"10\" \
             font-family=\"sans-serif\">{}</text>",
            HEIGHT + 24,
            x + 11,
            HEIGHT + 32,
            escape(word)
        );
        x += 11 + 6 * word.chars().count() as u32 + 12;
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(name: &str, challenged: u64, solved: u64, abandoned: u64, open: u64) -> SettledDay {
        SettledDay {
            day: name.into(),
            action: String::new(),
            challenged,
            solved,
            failed: 0,
            abandoned,
            open,
        }
    }

    fn words() -> ChartWords {
        ChartWords {
            title: "CAPTCHA outcomes <filter 1>".into(),
            description: "3 of 4 solved & 1 abandoned".into(),
            solved: "Solved".into(),
            abandoned: "Abandoned".into(),
            open: "Open".into(),
        }
    }

    #[test]
    fn bars_scale_to_the_busiest_day_and_words_are_escaped() {
        let svg = chart_svg(
            &[
                day("20261201", 4, 3, 1, 0),
                day("20261202", 0, 0, 0, 0),
                day("20261203", 2, 0, 0, 2),
            ],
            &words(),
        );
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains(
            "<title id=\"captchaguard-chart-title\">CAPTCHA outcomes &lt;filter 1&gt;</title>"
        ));
        assert!(svg.contains("3 of 4 solved &amp; 1 abandoned"));
        // The busiest day: 3 of 4 solved is 60 px of 80, abandoned 20 px above it.
        assert!(svg.contains("x=\"2\" y=\"20\" width=\"10\" height=\"60\" fill=\"#14866d\"><title>20261201: 3</title>"));
        assert!(svg.contains("x=\"2\" y=\"0\" width=\"10\" height=\"20\" fill=\"#a2a9b1\"><title>20261201: 1</title>"));
        // An empty day draws nothing; the open day is half as tall.
        assert!(!svg.contains("20261202:"));
        assert!(svg.contains("x=\"26\" y=\"40\" width=\"10\" height=\"40\" fill=\"#6485d1\""));
        assert!(svg.contains(">Abandoned</text>"));
        // The first and the last day name the bars' span.
        assert!(svg.contains(">2026-12-01</text>"));
        assert!(svg.contains("text-anchor=\"end\">2026-12-03</text>"));
    }

    #[test]
    fn no_challenges_draw_an_empty_chart() {
        let svg = chart_svg(&[day("20261201", 0, 0, 0, 0)], &words());
        assert!(!svg.contains("captchaguard-chart-solved"));
        assert!(svg.contains("role=\"img\""));
        assert!(chart_svg(&[], &words()).contains("width=\"14\""));
    }

    #[test]
    fn a_tiny_part_stays_visible() {
        assert_eq!(scaled(1, 1000), 1);
        assert_eq!(scaled(0, 1000), 0);
        assert_eq!(scaled(5, 0), 0);
    }
}
