//! Attachments: the types a message may carry, each checked against its content (a file
//! declared a PDF that is not one is refused, not stored), and the size limits.

use std::fmt;

/// The most bytes one attachment may hold, and all of a message's together.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;
pub const MAX_TOTAL_BYTES: usize = 5 * 1024 * 1024;
/// The most attachments a message may carry.
pub const MAX_COUNT: usize = 5;

/// The media types accepted: documents, photographs, text and tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Pdf,
    Jpeg,
    Png,
    Text,
    Csv,
}

impl MediaType {
    pub const ALL: [MediaType; 5] = [
        MediaType::Pdf,
        MediaType::Jpeg,
        MediaType::Png,
        MediaType::Text,
        MediaType::Csv,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Text => "text/plain",
            MediaType::Csv => "text/csv",
        }
    }

    /// The type a declared media type names (parameters such as `; charset=utf-8` ignored,
    /// case ignored).
    pub fn parse(declared: &str) -> Option<MediaType> {
        let essence = declared
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        MediaType::ALL.into_iter().find(|t| t.as_str() == essence)
    }

    /// Whether `bytes` are of this type: the signature a PDF, JPEG or PNG file starts with;
    /// for text, UTF-8 without NUL or other control characters but tab and line ends.
    pub fn matches(self, bytes: &[u8]) -> bool {
        match self {
            MediaType::Pdf => bytes.starts_with(b"%PDF-"),
            MediaType::Jpeg => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
            MediaType::Png => bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]),
            MediaType::Text | MediaType::Csv => std::str::from_utf8(bytes).is_ok_and(|t| {
                !t.chars()
                    .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            }),
        }
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an attachment is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentError {
    UnknownType(String),
    Empty,
    TooLarge { size: usize },
    NotOfType(MediaType),
}

impl AttachmentError {
    pub fn code(&self) -> &'static str {
        match self {
            AttachmentError::UnknownType(_) => "attachment-type",
            AttachmentError::Empty => "attachment-empty",
            AttachmentError::TooLarge { .. } => "attachment-size",
            AttachmentError::NotOfType(_) => "attachment-content",
        }
    }
}

impl fmt::Display for AttachmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttachmentError::UnknownType(t) => write!(
                f,
                "`{t}` is not a type a message may carry; expected application/pdf, image/jpeg, image/png, text/plain or text/csv"
            ),
            AttachmentError::Empty => write!(f, "the file is empty"),
            AttachmentError::TooLarge { size } => {
                write!(
                    f,
                    "{size} bytes, over the limit of {MAX_BYTES} bytes a file"
                )
            }
            AttachmentError::NotOfType(t) => write!(f, "the content is not {t}, as declared"),
        }
    }
}

/// Checks one attachment: its declared type is one of [`MediaType`], its size within
/// [`MAX_BYTES`], its content of the declared type.
pub fn check(declared: &str, bytes: &[u8]) -> Result<MediaType, AttachmentError> {
    let kind = MediaType::parse(declared)
        .ok_or_else(|| AttachmentError::UnknownType(declared.to_owned()))?;
    if bytes.is_empty() {
        return Err(AttachmentError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(AttachmentError::TooLarge { size: bytes.len() });
    }
    if !kind.matches(bytes) {
        return Err(AttachmentError::NotOfType(kind));
    }
    Ok(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_declared_type_must_be_the_content_s() {
        assert_eq!(
            check("application/pdf", b"%PDF-1.7\n..."),
            Ok(MediaType::Pdf)
        );
        assert_eq!(
            check("IMAGE/JPEG", &[0xFF, 0xD8, 0xFF, 0xE0, 0]),
            Ok(MediaType::Jpeg)
        );
        assert_eq!(
            check(
                "image/png",
                &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]
            ),
            Ok(MediaType::Png)
        );
        assert_eq!(
            check("text/csv; charset=utf-8", "a,b\n1,2\n".as_bytes()),
            Ok(MediaType::Csv)
        );
        assert_eq!(
            check("text/plain", "Zuwara → Lampedusa\tق".as_bytes()),
            Ok(MediaType::Text)
        );
        // A program declared a PDF; a PDF declared a photograph; binary declared text.
        assert_eq!(
            check("application/pdf", b"MZ\x90\x00"),
            Err(AttachmentError::NotOfType(MediaType::Pdf))
        );
        assert_eq!(
            check("image/jpeg", b"%PDF-1.7"),
            Err(AttachmentError::NotOfType(MediaType::Jpeg))
        );
        assert_eq!(
            check("text/plain", b"abc\x00def"),
            Err(AttachmentError::NotOfType(MediaType::Text))
        );
        assert_eq!(
            check("application/x-msdownload", b"MZ"),
            Err(AttachmentError::UnknownType(
                "application/x-msdownload".into()
            ))
        );
        assert_eq!(check("text/plain", b""), Err(AttachmentError::Empty));
        let big = vec![b'a'; MAX_BYTES + 1];
        assert_eq!(
            check("text/plain", &big),
            Err(AttachmentError::TooLarge {
                size: MAX_BYTES + 1
            })
        );
        assert!(check("text/plain", &big[..MAX_BYTES]).is_ok());
    }
}
