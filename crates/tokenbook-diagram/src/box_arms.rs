//! Which way each box-drawing character reaches: up, down, left, right.
//! Used to tell which character a lost byte must have been, from the
//! neighbours it has to join.

/// Arms of a box-drawing character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Arms {
    /// Reaches the line above.
    pub(crate) up: bool,
    /// Reaches the line below.
    pub(crate) down: bool,
    /// Reaches the character to the left.
    pub(crate) left: bool,
    /// Reaches the character to the right.
    pub(crate) right: bool,
}

/// The line style of a box-drawing character, for telling look-alikes apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// `─ │ ┌` and their rounded and dashed kin.
    Light,
    /// `━ ┃ ┏` and the mixed light/heavy ones.
    Heavy,
    /// `═ ║ ╔`.
    Double,
}

const fn arms(spec: &[u8]) -> Arms {
    let mut a = Arms {
        up: false,
        down: false,
        left: false,
        right: false,
    };
    let mut i = 0;
    while i < spec.len() {
        match spec[i] {
            b'U' => a.up = true,
            b'D' => a.down = true,
            b'L' => a.left = true,
            b'R' => a.right = true,
            _ => {}
        }
        i += 1;
    }
    a
}

/// The arms of `c`, or `None` when it is not a joining box-drawing character.
pub(crate) fn arms_of(c: char) -> Option<Arms> {
    let spec: &[u8] = match c as u32 {
        0x2500 | 0x2501 | 0x2504 | 0x2505 | 0x2508 | 0x2509 | 0x254C | 0x254D | 0x2550 => b"LR",
        0x257C | 0x257E => b"LR",
        0x2502 | 0x2503 | 0x2506 | 0x2507 | 0x250A | 0x250B | 0x254E | 0x254F | 0x2551 => b"UD",
        0x257D | 0x257F => b"UD",
        0x250C..=0x250F | 0x2552..=0x2554 | 0x256D => b"DR",
        0x2510..=0x2513 | 0x2555..=0x2557 | 0x256E => b"DL",
        0x2514..=0x2517 | 0x2558..=0x255A | 0x2570 => b"UR",
        0x2518..=0x251B | 0x255B..=0x255D | 0x256F => b"UL",
        0x251C..=0x2523 | 0x255E..=0x2560 => b"UDR",
        0x2524..=0x252B | 0x2561..=0x2563 => b"UDL",
        0x252C..=0x2533 | 0x2564..=0x2566 => b"DLR",
        0x2534..=0x253B | 0x2567..=0x2569 => b"ULR",
        0x253C..=0x254B | 0x256A..=0x256C => b"UDLR",
        0x2574 | 0x2578 => b"L",
        0x2575 | 0x2579 => b"U",
        0x2576 | 0x257A => b"R",
        0x2577 | 0x257B => b"D",
        _ => return None,
    };
    Some(arms(spec))
}

/// The line style of a joining box-drawing character.
pub(crate) fn family_of(c: char) -> Option<Family> {
    arms_of(c)?;
    Some(match c as u32 {
        0x2550..=0x256C => Family::Double,
        0x2500
        | 0x2502
        | 0x2504
        | 0x2506
        | 0x2508
        | 0x250A
        | 0x250C
        | 0x2510
        | 0x2514
        | 0x2518
        | 0x251C
        | 0x2524
        | 0x252C
        | 0x2534
        | 0x253C
        | 0x254C
        | 0x254E
        | 0x256D..=0x2570
        | 0x2574..=0x2577 => Family::Light,
        _ => Family::Heavy,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corners_tees_and_lines() {
        assert_eq!(arms_of('┐'), Some(arms(b"DL")));
        assert_eq!(arms_of('╝'), Some(arms(b"UL")));
        assert_eq!(arms_of('┼'), Some(arms(b"UDLR")));
        assert_eq!(arms_of('═'), Some(arms(b"LR")));
        assert_eq!(arms_of('a'), None);
        assert_eq!(family_of('═'), Some(Family::Double));
        assert_eq!(family_of('┐'), Some(Family::Light));
        assert_eq!(family_of('┓'), Some(Family::Heavy));
    }
}
