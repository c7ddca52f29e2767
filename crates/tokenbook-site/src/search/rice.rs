//! How the index writes numbers: Rice-coded bits six to a letter of a
//! URL-safe alphabet, and numbers in 5-bit groups. `search-core.js`
//! decodes both (the golden vectors keep the two in step).

/// The letters numbers and bits are written with, six bits each.
pub(super) const LETTERS: &[u8; 64] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// Appends `n` as 5-bit groups, least significant first, 32 added to
/// every letter but the last.
pub(super) fn push_number(out: &mut String, mut n: u32) {
    loop {
        let low = (n & 31) as usize;
        n >>= 5;
        if n == 0 {
            out.push(LETTERS[low] as char);
            return;
        }
        out.push(LETTERS[low | 32] as char);
    }
}

/// Bits written six to a letter, most significant first.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    value: u64,
    count: u32,
}

impl Bits {
    /// The low `width` (at most 56) bits of `value`.
    #[inline]
    fn push(&mut self, value: u64, width: u32) {
        self.value = (self.value << width) | value;
        self.count += width;
        while self.count >= 6 {
            self.count -= 6;
            self.out
                .push(LETTERS[((self.value >> self.count) & 63) as usize]);
        }
        self.value &= (1 << self.count) - 1;
    }

    /// `n` as a Rice code: `n >> k` in unary (ones, then a zero), then the
    /// low `k` (at most 24) bits.
    #[inline]
    fn rice(&mut self, n: u32, k: u32) {
        let mut ones = n >> k;
        while ones > 24 {
            self.push((1 << 24) - 1, 24);
            ones -= 24;
        }
        let (code, width) = rice_code(n, ones, k);
        self.push(code, width);
    }

    /// Two Rice codes, in one go when they are short (they mostly are).
    #[inline]
    fn rice_pair(&mut self, a: u32, k: u32, b: u32, j: u32) {
        let (ones_a, ones_b) = (a >> k, b >> j);
        if ones_a <= 12 && ones_b <= 12 && k <= 12 && j <= 12 {
            let (code_a, width_a) = rice_code(a, ones_a, k);
            let (code_b, width_b) = rice_code(b, ones_b, j);
            self.push((code_a << width_b) | code_b, width_a + width_b);
        } else {
            self.rice(a, k);
            self.rice(b, j);
        }
    }

    /// The letters, the last padded with zeros.
    fn finish(mut self, out: &mut String) {
        if self.count > 0 {
            self.push(0, 6 - self.count);
        }
        // Letters are ASCII.
        out.extend(self.out.iter().map(|&b| b as char));
    }
}

/// The Rice code of `n` whose unary part is `ones` (at most 24) long.
#[inline]
fn rice_code(n: u32, ones: u32, k: u32) -> (u64, u32) {
    let low = u64::from(n) & ((1 << k) - 1);
    (((((1 << ones) - 1) << 1) << k) | low, ones + 1 + k)
}

/// One term's postings as text: their number, then two Rice parameters as
/// letters, `k` for the gaps and `j` for the counts, then per posting the
/// gap to the previous section (the first's number plus one, minus one:
/// never negative) and its count minus one, as Rice codes.
pub(super) fn encode_postings(postings: &[(u32, u32)]) -> String {
    let mut out = String::with_capacity(postings.len() / 2 + 8);
    push_number(&mut out, postings.len() as u32);
    let mut gaps = Vec::with_capacity(postings.len());
    let mut previous = None;
    for &(doc, _) in postings {
        gaps.push(previous.map_or(doc, |p: u32| doc - p - 1));
        previous = Some(doc);
    }
    // The best k for the gaps is near log2 of the mean gap; counts are
    // mostly 1 or 2 (more in a heading): j is 0 to 3. Each candidate's
    // cost in bits, all in one pass.
    let total: u64 = gaps.iter().map(|&g| u64::from(g)).sum();
    let guess = 63 - (total / gaps.len().max(1) as u64).max(1).leading_zeros();
    let low = guess.saturating_sub(1).min(22);
    let counts = || postings.iter().map(|&(_, count)| count.max(1) - 1);
    let (mut gap_bits, mut count_bits) = ([0u64; 3], [0u64; 4]);
    for (&gap, count) in gaps.iter().zip(counts()) {
        for (i, bits) in gap_bits.iter_mut().enumerate() {
            *bits += u64::from(gap >> (low + i as u32));
        }
        for (j, bits) in count_bits.iter_mut().enumerate() {
            *bits += u64::from(count >> j);
        }
    }
    let n = postings.len() as u64;
    let cheapest = |bits: &[u64], first: u32| {
        (first..)
            .zip(bits)
            .min_by_key(|&(k, b)| b + n * u64::from(k))
            .map_or(0, |(k, _)| k)
    };
    let k = cheapest(&gap_bits, low);
    let j = cheapest(&count_bits, 0);
    out.push(LETTERS[k as usize] as char);
    out.push(LETTERS[j as usize] as char);
    let mut bits = Bits {
        out: Vec::with_capacity(postings.len() / 2 + 4),
        ..Bits::default()
    };
    for (&gap, count) in gaps.iter().zip(counts()) {
        bits.rice_pair(gap, k, count, j);
    }
    bits.finish(&mut out);
    out
}
