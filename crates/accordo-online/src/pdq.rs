//! PDQ, Meta's perceptual image hash: 256 bits from the DCT of a 64 × 64 luminance image,
//! compared by Hamming distance (two images whose hashes are 31 bits apart or fewer are the
//! same picture, re-compressed, resized or lightly edited), with a quality from 0 to 100 that
//! says how much the image has to hash (a blank image has none, and its hash matches
//! nothing reliably).
//!
//! The hash is the `pdqhash` crate's, on the image at its own size (`generate_pdq_full_size`,
//! which gives the hashes of Meta's reference implementation bit for bit: tested on
//! ThreatExchange's test images in `tests/pdq.rs`). Before anything is decoded, the image's
//! header is read and an image larger than [`MAX_SIDE`] on a side or [`MAX_PIXELS`] in all is
//! refused: a few bytes of PNG can claim 100,000 × 100,000 pixels, 40 GB to decode.

use std::fmt;
use std::io::Cursor;
use std::str::FromStr;

use pdqhash::image;

/// The Hamming distance at or under which two hashes are the same picture (Meta's threshold
/// for PDQ matching).
pub const MATCH_DISTANCE: u32 = 31;

/// The longest side an image may have, in pixels.
pub const MAX_SIDE: u32 = 20_000;

/// The most pixels an image may have (a 40-megapixel photograph decodes to 160 MB, and the
/// hash's filters take two 160 MB buffers more).
pub const MAX_PIXELS: u64 = 40_000_000;

/// The largest file read as an image: a captured image is far smaller.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// A PDQ hash: 256 bits, written as 64 hexadecimal digits, the first digit the highest bits
/// (as Meta's tools print it).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PdqHash(pub [u8; 32]);

impl PdqHash {
    /// The hash as four 64-bit words, the first holding the first 16 hexadecimal digits.
    pub fn words(&self) -> [u64; 4] {
        let mut out = [0u64; 4];
        for (w, bytes) in out.iter_mut().zip(self.0.chunks_exact(8)) {
            let mut b = [0u8; 8];
            b.copy_from_slice(bytes);
            *w = u64::from_be_bytes(b);
        }
        out
    }

    /// The hash whose [`PdqHash::words`] are `words`.
    pub fn from_words(words: [u64; 4]) -> Self {
        let mut out = [0u8; 32];
        for (bytes, w) in out.chunks_exact_mut(8).zip(words) {
            bytes.copy_from_slice(&w.to_be_bytes());
        }
        PdqHash(out)
    }

    /// How many of the 256 bits differ.
    pub fn distance(&self, other: &PdqHash) -> u32 {
        self.words()
            .iter()
            .zip(other.words())
            .map(|(a, b)| (a ^ b).count_ones())
            .sum()
    }
}

impl fmt::Display for PdqHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for PdqHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PdqHash({self})")
    }
}

/// Why a text is not a PDQ hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashError {
    #[error("a PDQ hash is 64 hexadecimal digits; this has {0} characters")]
    Length(usize),
    #[error("a PDQ hash is 64 hexadecimal digits; character {position} is `{found}`")]
    Digit { position: usize, found: char },
}

impl FromStr for PdqHash {
    type Err = HashError;

    fn from_str(s: &str) -> Result<Self, HashError> {
        // By characters, not bytes: 64 characters one of which is not ASCII is a wrong digit,
        // not a wrong length. (At most 65 are read, whatever the input's size.)
        let chars: Vec<char> = s.chars().take(65).collect();
        if chars.len() != 64 {
            return Err(HashError::Length(s.chars().count()));
        }
        let mut out = [0u8; 32];
        for (i, c) in chars.iter().enumerate() {
            let v = c.to_digit(16).ok_or(HashError::Digit {
                position: i + 1,
                found: *c,
            })?;
            // `to_digit(16)` is below 16: it fits in a nibble.
            out[i / 2] |= (v as u8) << if i % 2 == 0 { 4 } else { 0 };
        }
        Ok(PdqHash(out))
    }
}

/// An image's hash and quality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pdq {
    pub hash: PdqHash,
    /// 0 (featureless: its hash is not to be trusted) to 100: `pdqhash`'s measure of the
    /// image's gradients. Meta's tools count them in whole steps and may print a few points
    /// less for a smooth image; both give 0 and 100 alike.
    pub quality: u8,
}

/// Why an image could not be hashed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("not an image of a format this reads (JPEG, PNG, GIF, WebP, BMP, TIFF, ICO, PNM)")]
    NotAnImage,
    #[error(
        "the image is {width} × {height} pixels: over the limit of {MAX_SIDE} pixels a side and {MAX_PIXELS} pixels in all"
    )]
    TooLarge { width: u32, height: u32 },
    #[error("the image is {width} × {height} pixels: PDQ needs at least 5 on each side")]
    TooSmall { width: u32, height: u32 },
    #[error("the image could not be decoded: {0}")]
    Undecodable(String),
}

/// The PDQ hash and quality of the image in `bytes` (its format read from its first bytes).
/// A decoder that fails by panicking (the image crate's decoders are old) refuses the image
/// like any other.
pub fn hash_image(bytes: &[u8]) -> Result<Pdq, ImageError> {
    std::panic::catch_unwind(|| hash_checked(bytes)).unwrap_or_else(|_| {
        Err(ImageError::Undecodable(
            "the decoder failed on this file".into(),
        ))
    })
}

fn hash_checked(bytes: &[u8]) -> Result<Pdq, ImageError> {
    let reader = || {
        image::io::Reader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| ImageError::Undecodable(e.to_string()))
    };
    let header = reader()?;
    let (width, height) = match header.format() {
        None => return Err(ImageError::NotAnImage),
        // image 0.23's WebP decoder decodes the whole frame to learn its size: read it here.
        Some(image::ImageFormat::WebP) => webp_dimensions(bytes).ok_or_else(|| {
            ImageError::Undecodable("a WebP file without a frame header this reads".into())
        })?,
        Some(_) => header
            .into_dimensions()
            .map_err(|e| ImageError::Undecodable(e.to_string()))?,
    };
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageError::TooLarge { width, height });
    }
    if width < 5 || height < 5 {
        return Err(ImageError::TooSmall { width, height });
    }
    let decoded = reader()?
        .decode()
        .map_err(|e| ImageError::Undecodable(e.to_string()))?;
    let (hash, quality) = pdqhash::generate_pdq_full_size(&decoded);
    Ok(Pdq {
        hash: PdqHash(hash),
        // In [0, 1]: a whole percentage.
        quality: (f64::from(quality) * 100.0).round().clamp(0.0, 100.0) as u8,
    })
}

/// A WebP file's canvas size from its first chunk (`VP8 `, `VP8L` or `VP8X`), without
/// decoding anything.
fn webp_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(0..4)? != b"RIFF" || bytes.get(8..12)? != b"WEBP" {
        return None;
    }
    let data = bytes.get(20..)?;
    let le = |at: usize, n: usize| -> Option<u32> {
        let b = data.get(at..at + n)?;
        Some(
            b.iter()
                .rev()
                .fold(0u32, |v, byte| (v << 8) | u32::from(*byte)),
        )
    };
    match bytes.get(12..16)? {
        b"VP8 " if data.get(3..6)? == [0x9d, 0x01, 0x2a] => {
            Some((le(6, 2)? & 0x3fff, le(8, 2)? & 0x3fff))
        }
        b"VP8L" if *data.first()? == 0x2f => {
            let bits = le(1, 4)?;
            Some(((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1))
        }
        b"VP8X" => Some((le(4, 3)? + 1, le(7, 3)? + 1)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_hash_reads_back_from_its_digits_and_counts_the_bits_apart() {
        let text = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
        let h: PdqHash = text.parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(h.to_string(), text);
        assert_eq!(h.words()[0], 0xf8f8_f0ce_e0f4_a84f);
        assert_eq!(PdqHash::from_words(h.words()), h);
        let mut other = h.words();
        other[0] ^= 0b1011;
        other[3] ^= 1 << 63;
        assert_eq!(h.distance(&PdqHash::from_words(other)), 4);
        assert_eq!("f8f8".parse::<PdqHash>().unwrap_err(), HashError::Length(4));
        let bad = format!("{}g", &text[..63]);
        assert_eq!(
            bad.parse::<PdqHash>().unwrap_err(),
            HashError::Digit {
                position: 64,
                found: 'g'
            }
        );
        // Sixty-four characters, one of them not ASCII: a wrong digit, not a wrong length.
        let accented = format!("é{}", &text[1..]);
        assert_eq!(
            accented.parse::<PdqHash>().unwrap_err(),
            HashError::Digit {
                position: 1,
                found: 'é'
            }
        );
    }

    /// A PNG claiming `width × height` pixels: its signature, header, one data chunk holding an
    /// empty zlib stream, and its end (a decompression bomb's shape, with nothing to inflate).
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut out = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
        let mut ihdr = Vec::new();
        ihdr.extend(width.to_be_bytes());
        ihdr.extend(height.to_be_bytes());
        ihdr.extend([8, 2, 0, 0, 0]); // 8 bits, RGB, deflate, no filter, no interlace
        for (kind, data) in [
            (b"IHDR", ihdr),
            (
                b"IDAT",
                vec![0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
            ),
            (b"IEND", Vec::new()),
        ] {
            let mut chunk = kind.to_vec();
            chunk.extend(&data);
            out.extend((data.len() as u32).to_be_bytes());
            out.extend(&chunk);
            out.extend(crc32(&chunk).to_be_bytes());
        }
        out
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for b in data {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn a_decompression_bomb_is_refused_from_its_header() {
        assert_eq!(
            hash_image(&png_header(100_000, 100_000)),
            Err(ImageError::TooLarge {
                width: 100_000,
                height: 100_000
            })
        );
        // Within the side limit but over the pixel count.
        assert_eq!(
            hash_image(&png_header(10_000, 10_000)),
            Err(ImageError::TooLarge {
                width: 10_000,
                height: 10_000
            })
        );
        assert_eq!(
            hash_image(&png_header(4, 300)),
            Err(ImageError::TooSmall {
                width: 4,
                height: 300
            })
        );
        // A header within the limits and no pixels: refused as undecodable, not hashed.
        assert!(matches!(
            hash_image(&png_header(300, 300)),
            Err(ImageError::Undecodable(_))
        ));
        assert_eq!(
            hash_image(b"not an image at all"),
            Err(ImageError::NotAnImage)
        );
        assert_eq!(hash_image(b""), Err(ImageError::NotAnImage));
    }

    /// A WebP file whose first chunk is `kind` with `data`.
    fn webp(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = b"RIFF".to_vec();
        out.extend((4 + 8 + data.len() as u32).to_le_bytes());
        out.extend(b"WEBP");
        out.extend(kind);
        out.extend((data.len() as u32).to_le_bytes());
        out.extend(data);
        out
    }

    #[test]
    fn a_webp_s_size_is_read_from_its_header_before_its_frame_is_decoded() {
        // A lossy frame claiming 16,383 × 16,383 (the largest VP8 allows, 268 MB of luma):
        // refused from the header, where image 0.23 would decode the frame to learn its size.
        let mut vp8 = vec![0u8, 0, 0, 0x9d, 0x01, 0x2a];
        vp8.extend(16383u16.to_le_bytes());
        vp8.extend(16383u16.to_le_bytes());
        vp8.extend([0u8; 20]);
        assert_eq!(
            hash_image(&webp(b"VP8 ", &vp8)),
            Err(ImageError::TooLarge {
                width: 16383,
                height: 16383
            })
        );
        // An extended file's canvas: 24-bit sizes, minus one.
        let mut vp8x = vec![0u8; 4];
        vp8x.extend([0x3f, 0x9c, 0x00, 0x1f, 0x4e, 0x00]); // 40,000 × 20,000
        assert_eq!(
            hash_image(&webp(b"VP8X", &vp8x)),
            Err(ImageError::TooLarge {
                width: 40_000,
                height: 20_000
            })
        );
        assert_eq!(webp_dimensions(&webp(b"VP8 ", &[1, 2, 3])), None);
    }

    /// A small real image in `format`'s bytes.
    fn encoded(format: image::ImageOutputFormat) -> Vec<u8> {
        let img = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(40, 30, |x, y| {
            image::Rgb([(x * 6) as u8, (y * 8) as u8, ((x + y) * 3) as u8])
        }));
        let mut out = Vec::new();
        img.write_to(&mut out, format)
            .unwrap_or_else(|e| panic!("{e}"));
        out
    }

    #[test]
    fn a_small_real_image_hashes() {
        for format in [
            image::ImageOutputFormat::Png,
            image::ImageOutputFormat::Jpeg(90),
        ] {
            let p = hash_image(&encoded(format)).unwrap_or_else(|e| panic!("{e}"));
            assert!(p.quality > 0, "a gradient has features");
        }
    }

    proptest! {
        #[test]
        fn an_image_cut_short_is_refused_not_a_panic(cut in 0usize..1000, jpeg in any::<bool>()) {
            let whole = encoded(if jpeg {
                image::ImageOutputFormat::Jpeg(90)
            } else {
                image::ImageOutputFormat::Png
            });
            // Cut before the last 12 bytes (a PNG's end chunk, which its decoder does not need
            // once the pixels are read): into the pixels.
            let cut = cut % (whole.len() - 12);
            prop_assert!(hash_image(&whole[..cut]).is_err(), "{cut} of {} bytes", whole.len());
        }

        #[test]
        fn an_image_with_bytes_changed_is_hashed_or_refused_never_a_panic(
            at in proptest::collection::vec((0usize..4000, any::<u8>()), 1..8),
            jpeg in any::<bool>(),
        ) {
            let mut bytes = encoded(if jpeg {
                image::ImageOutputFormat::Jpeg(90)
            } else {
                image::ImageOutputFormat::Png
            });
            for (i, b) in at {
                let n = bytes.len();
                bytes[i % n] = b;
            }
            // Either a hash with its quality, or a refusal that says why.
            match hash_image(&bytes) {
                Ok(p) => prop_assert!(p.quality <= 100),
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }
}
