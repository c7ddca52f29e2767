//! Unix seconds as calendar dates and as words: `2026-11-26T10:00:00Z`,
//! "in 59 min", "3 days ago".
//!
//! The civil-date conversion is Howard Hinnant's days-from-civil algorithm
//! (proleptic Gregorian calendar, UTC), written out here so the crate needs
//! no date library and works the same in the browser.

const SECONDS_PER_DAY: i64 = 86_400;
/// Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar.
const DAYS_FROM_YEAR_0_MARCH_TO_EPOCH: i64 = 719_468;
const DAYS_PER_ERA: i64 = 146_097;

/// Days since 1970-01-01 of the given date (month 1-12, day 1-31): the
/// inverse of [`civil_from_days`], which the tests check it against.
#[cfg(test)]
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let month = i64::from(month);
    let day = i64::from(day);
    // The year starts in March so that the leap day is the last day of it.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * DAYS_PER_ERA + day_of_era - DAYS_FROM_YEAR_0_MARCH_TO_EPOCH
}

/// The date (year, month 1-12, day 1-31) that is `days` days after 1970-01-01.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days.saturating_add(DAYS_FROM_YEAR_0_MARCH_TO_EPOCH);
    let era = days.div_euclid(DAYS_PER_ERA);
    let day_of_era = days.rem_euclid(DAYS_PER_ERA);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = era * 400 + year_of_era + i64::from(month <= 2);
    // Both are small by construction: day in 1..=31, month in 1..=12.
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// `unix` seconds as an ISO 8601 UTC timestamp, e.g. `2026-11-26T10:00:00Z`.
pub(crate) fn iso_8601(unix: i64) -> String {
    let days = unix.div_euclid(SECONDS_PER_DAY);
    let second_of_day = unix.rem_euclid(SECONDS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}

/// A length of time in the largest unit that fits, rounded down:
/// "45 sec", "59 min", "1 hour", "3 days", "2 years".
pub(crate) fn duration_in_words(seconds: u64) -> String {
    const MINUTE: u64 = 60;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    const YEAR: u64 = 365 * DAY;
    let (count, unit, plural) = if seconds < MINUTE {
        (seconds, "sec", "sec")
    } else if seconds < HOUR {
        (seconds / MINUTE, "min", "min")
    } else if seconds < DAY {
        (seconds / HOUR, "hour", "hours")
    } else if seconds < YEAR {
        (seconds / DAY, "day", "days")
    } else {
        (seconds / YEAR, "year", "years")
    };
    format!("{count} {}", if count == 1 { unit } else { plural })
}

/// How `when` relates to `now`: "in 59 min", "3 days ago" or "just now".
pub(crate) fn relative_to(when: i64, now: i64) -> String {
    let delta = i128::from(when) - i128::from(now);
    let magnitude = u64::try_from(delta.unsigned_abs()).unwrap_or(u64::MAX);
    match delta {
        0 => "just now".to_owned(),
        d if d > 0 => format!("in {}", duration_in_words(magnitude)),
        _ => format!("{} ago", duration_in_words(magnitude)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_from_civil_matches_known_dates() {
        let cases = [
            ((1970, 1, 1), 0),
            ((1970, 1, 2), 1),
            ((1969, 12, 31), -1),
            ((2000, 2, 29), 11_016),
            ((2000, 3, 1), 11_017),
            ((2026, 11, 26), 20_783),
            ((1900, 3, 1), -25_508),
            ((2100, 3, 1), 47_541),
            ((1, 1, 1), -719_162),
        ];
        for ((year, month, day), days) in cases {
            assert_eq!(
                days_from_civil(year, month, day),
                days,
                "{year}-{month}-{day}"
            );
            assert_eq!(civil_from_days(days), (year, month, day), "{days}");
        }
    }

    #[test]
    fn civil_round_trips_over_many_years() {
        // Every day from 1600 to 2400: leap years, century rules and all.
        let start = days_from_civil(1600, 1, 1);
        let end = days_from_civil(2400, 12, 31);
        let mut previous = civil_from_days(start - 1);
        for days in start..=end {
            let date = civil_from_days(days);
            assert_eq!(days_from_civil(date.0, date.1, date.2), days);
            assert!(date > previous, "{date:?} follows {previous:?}");
            previous = date;
        }
        assert_eq!(
            civil_from_days(days_from_civil(1900, 2, 28) + 1),
            (1900, 3, 1)
        );
        assert_eq!(
            civil_from_days(days_from_civil(2024, 2, 28) + 1),
            (2024, 2, 29)
        );
    }

    #[test]
    fn iso_8601_formats_utc_timestamps() {
        let cases = [
            (0, "1970-01-01T00:00:00Z"),
            (1_795_687_200, "2026-11-26T10:00:00Z"),
            (951_782_399, "2000-02-28T23:59:59Z"),
            (951_868_800, "2000-03-01T00:00:00Z"),
            (-1, "1969-12-31T23:59:59Z"),
            (4_102_444_800, "2100-01-01T00:00:00Z"),
        ];
        for (unix, iso) in cases {
            assert_eq!(iso_8601(unix), iso, "{unix}");
        }
    }

    #[test]
    fn extreme_timestamps_do_not_panic() {
        for unix in [i64::MIN, i64::MIN + 1, i64::MAX, i64::MAX - 1] {
            assert!(iso_8601(unix).ends_with('Z'));
            assert!(!relative_to(unix, 0).is_empty());
            assert!(!relative_to(0, unix).is_empty());
        }
    }

    #[test]
    fn relative_words() {
        let now = 1_795_687_200;
        let cases = [
            (now, "just now"),
            (now + 1, "in 1 sec"),
            (now - 59, "59 sec ago"),
            (now + 60, "in 1 min"),
            (now + 3540, "in 59 min"),
            (now + 3599, "in 59 min"),
            (now + 3600, "in 1 hour"),
            (now - 7200, "2 hours ago"),
            (now - 86_400, "1 day ago"),
            (now - 3 * 86_400, "3 days ago"),
            (now + 400 * 86_400, "in 1 year"),
            (now - 800 * 86_400, "2 years ago"),
        ];
        for (when, words) in cases {
            assert_eq!(relative_to(when, now), words, "{}", when - now);
        }
    }
}
