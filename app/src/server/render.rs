//! Turning stored values into what a viewer sees: Markdown to sanitized HTML, instants to
//! text in the viewer's timezone and language.

use chrono::{DateTime, Locale, Utc};
use chrono_tz::Tz;

use crate::domain::{Lang, Shown};

/// Renders Markdown to HTML and strips everything unsafe (scripts, event handlers,
/// `javascript:` links); links get `rel="noopener noreferrer"`.
pub fn markdown(src: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_TASKLISTS);
    let mut out = String::with_capacity(src.len() * 2);
    html::push_html(&mut out, Parser::new_ext(src, opts));
    ammonia::Builder::default().link_rel(Some("noopener noreferrer nofollow")).clean(&out).to_string()
}

fn locale(lang: Lang) -> Locale {
    match lang {
        Lang::En => Locale::en_GB,
        Lang::Sv => Locale::sv_SE,
        Lang::Ru => Locale::ru_RU,
        Lang::Da => Locale::da_DK,
    }
}

/// An instant in `tz`, written the way `lang` writes dates (e.g. `3 mars 2026 14:05`).
pub fn shown(at: DateTime<Utc>, tz: Tz, lang: Lang) -> Shown {
    let local = at.with_timezone(&tz);
    let fmt = match lang {
        Lang::En => "%-d %b %Y, %H:%M",
        Lang::Sv | Lang::Da => "%-d %b %Y %H:%M",
        Lang::Ru => "%-d %b %Y, %H:%M",
    };
    Shown { text: local.format_localized(fmt, locale(lang)).to_string(), iso: at.to_rfc3339() }
}

/// Parses an IANA timezone name.
pub fn parse_tz(name: &str) -> Option<Tz> {
    name.trim().parse::<Tz>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn markdown_keeps_formatting_and_drops_scripts() {
        let html = markdown("**bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>");
        assert!(html.contains("<strong>bold</strong>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
        assert!(!html.contains("onerror"));
    }

    #[test]
    fn instants_show_in_the_viewers_timezone_and_language() {
        let at = Utc.with_ymd_and_hms(2026, 3, 3, 13, 5, 0).unwrap();
        let sthlm: Tz = "Europe/Stockholm".parse().unwrap();
        let moscow: Tz = "Europe/Moscow".parse().unwrap();
        assert_eq!(shown(at, sthlm, Lang::En).text, "3 Mar 2026, 14:05");
        assert!(shown(at, sthlm, Lang::Sv).text.starts_with("3 mar"));
        assert!(shown(at, moscow, Lang::Ru).text.ends_with("16:05"));
        assert_eq!(shown(at, sthlm, Lang::En).iso, "2026-03-03T13:05:00+00:00");
    }

    #[test]
    fn summer_time_is_applied() {
        let at = Utc.with_ymd_and_hms(2026, 7, 1, 10, 0, 0).unwrap();
        let cph: Tz = "Europe/Copenhagen".parse().unwrap();
        assert!(shown(at, cph, Lang::Da).text.ends_with("12:00"));
    }
}
