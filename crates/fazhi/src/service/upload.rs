//! Uploaded images: checked by decoding them (the `image` crate), never by trusting a name,
//! a declared type or a few magic bytes, and — for what citizens send — re-encoded so that
//! no metadata (EXIF GPS position, camera serial, thumbnails) is ever stored or shown.
//!
//! Limits (also in `docs/api.md#uploads`):
//!
//! | limit | value |
//! |---|---|
//! | one file | [`MAX_FILE_BYTES`] (8 MiB) for a citizen's photo or a 核查 photo; [`MAX_EVIDENCE_BYTES`] (20 MiB) for case evidence |
//! | one request | the 20 MiB body limit (`web::MAX_BODY_BYTES`); Open311 at most 5 files, the portal 3, a 核查 10, case evidence 1 |
//! | decoded image | [`MAX_EDGE_PX`] pixels a side and [`MAX_PIXELS`] pixels in all; the decoder may allocate at most [`MAX_DECODE_BYTES`] |
//! | formats decoded | JPEG, PNG, GIF (first frame), WebP |
//!
//! A file over the pixel limits is refused before its pixels are decoded (the header gives the
//! size), so a decompression bomb — a small file that would unpack to gigabytes — costs
//! nothing. What is done with a file:
//! - **Citizens' photos** (Open311 `media`, the portal): [`public_photo`] decodes, turns
//!   upright (EXIF orientation), shrinks to [`PHOTO_LONG_EDGE`] and re-encodes as JPEG. Only
//!   that copy is stored; the original with its metadata is dropped. Video clips (MP4, MOV)
//!   that Open311 clients may send are kept as sent: they are never published (public records
//!   show only their type, size and digest) and only staff can see them.
//! - **Staff uploads** (case evidence, the before/after photos of 核查): [`check_image`]
//!   decodes them to prove they are images and keeps the original bytes, whose SHA-256 is
//!   the evidence's fingerprint (re-encoding would change it and lose the camera's time and
//!   place, which are part of the evidence). They are shown to staff only.

use super::ServiceError;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// Largest photo accepted from a citizen or as a 核查 photo, before any processing.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;
/// Largest evidence file of a case (one per request, the whole body limit).
pub const MAX_EVIDENCE_BYTES: usize = 20 * 1024 * 1024;
/// Longest side of an image accepted, in pixels.
pub const MAX_EDGE_PX: u32 = 12_000;
/// Most pixels of an image accepted (40 megapixels: any phone camera fits).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Most memory the decoder may take for one image.
pub const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;
/// Longest edge of a stored citizen's photo, in pixels.
pub const PHOTO_LONG_EDGE: u32 = 1600;
/// JPEG quality of stored citizens' photos.
const PHOTO_QUALITY: u8 = 82;

/// Why an upload is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadProblem {
    /// No bytes.
    Empty,
    /// More bytes than the limit of its kind of upload.
    TooLarge { max_bytes: usize },
    /// Not an image of a decodable format, or broken.
    NotAnImage,
    /// An image format the server cannot check (HEIC): the client must convert it.
    Undecodable,
    /// More pixels than the limits: possibly a decompression bomb (sides 0 when the decoder
    /// stopped before telling them).
    TooManyPixels { width: u32, height: u32 },
}

impl UploadProblem {
    /// The Chinese explanation, naming the file as the user knows it (`照片“IMG_1.jpg”`).
    pub fn message(&self, file: &str) -> String {
        match self {
            Self::Empty => format!("{file}是空文件，请重新选择。"),
            Self::TooLarge { max_bytes } => format!(
                "{file}超过{}MB，请压缩后重新上传。",
                max_bytes / (1024 * 1024)
            ),
            Self::NotAnImage => format!(
                "{file}无法识别为图片（支持 JPEG、PNG、GIF、WebP 格式），或文件已损坏，请重新选择。"
            ),
            Self::Undecodable => format!(
                "{file}是 HEIC 格式，服务器无法校验，请在手机上改为“兼容性最佳”（JPEG）或转换为 JPEG、PNG 后上传。"
            ),
            Self::TooManyPixels { width: 0, .. } => format!(
                "{file}解压后过大（每边不超过{MAX_EDGE_PX}像素、总计不超过{}万像素），可能是异常文件，请缩小后重新上传。",
                MAX_PIXELS / 10_000
            ),
            Self::TooManyPixels { width, height } => format!(
                "{file}的尺寸为{width}×{height}像素，超过上限（每边不超过{MAX_EDGE_PX}像素、总计不超过{}万像素），可能是异常文件，请缩小后重新上传。",
                MAX_PIXELS / 10_000
            ),
        }
    }

    /// As a service error of the upload `field`.
    pub fn into_error(self, field: &str, file: &str) -> ServiceError {
        let code = match self {
            Self::TooLarge { .. } => "file_too_large",
            Self::TooManyPixels { .. } => "image_too_large",
            Self::Empty | Self::NotAnImage | Self::Undecodable => "invalid_image",
        };
        ServiceError::invalid_field(code, field, self.message(file))
    }
}

/// What decoding found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    /// `image/jpeg`, `image/png`, `image/gif` or `image/webp`.
    pub media_type: &'static str,
    pub width: u32,
    pub height: u32,
}

/// Whether the bytes claim to be an image (by their signature), decodable or not: such a
/// file must pass [`check_image`] wherever images are expected.
pub fn looks_like_image(bytes: &[u8]) -> bool {
    super::complaint::sniff_media_type(bytes).is_some_and(|t| t.starts_with("image/"))
}

fn media_type(format: ImageFormat) -> Option<&'static str> {
    match format {
        ImageFormat::Jpeg => Some("image/jpeg"),
        ImageFormat::Png => Some("image/png"),
        ImageFormat::Gif => Some("image/gif"),
        ImageFormat::WebP => Some("image/webp"),
        _ => None,
    }
}

/// Decodes the image under the limits; the decoded picture and what it is.
fn decode(bytes: &[u8], max_bytes: usize) -> Result<(DynamicImage, ImageInfo), UploadProblem> {
    if bytes.is_empty() {
        return Err(UploadProblem::Empty);
    }
    if bytes.len() > max_bytes {
        return Err(UploadProblem::TooLarge { max_bytes });
    }
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| UploadProblem::NotAnImage)?;
    let Some(media_type) = reader.format().and_then(media_type) else {
        return Err(
            if super::complaint::sniff_media_type(bytes) == Some("image/heic") {
                UploadProblem::Undecodable
            } else {
                UploadProblem::NotAnImage
            },
        );
    };
    // The sides are checked below from the header, to name them in the message; the
    // allocation limit stops any decoder that would still want too much memory.
    let mut limits = Limits::default();
    limits.max_image_width = None;
    limits.max_image_height = None;
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => UploadProblem::TooManyPixels {
            width: 0,
            height: 0,
        },
        _ => UploadProblem::NotAnImage,
    })?;
    let (width, height) = decoder.dimensions();
    if width > MAX_EDGE_PX
        || height > MAX_EDGE_PX
        || u64::from(width) * u64::from(height) > MAX_PIXELS
    {
        return Err(UploadProblem::TooManyPixels { width, height });
    }
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => UploadProblem::TooManyPixels { width, height },
        _ => UploadProblem::NotAnImage,
    })?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    Ok((
        img,
        ImageInfo {
            media_type,
            width,
            height,
        },
    ))
}

/// Proves that the bytes are a whole, decodable image of at most `max_bytes` within the
/// pixel limits (staff uploads: the bytes are then kept as they are). CPU-bound: call it off
/// the async threads.
pub fn check_image(bytes: &[u8], max_bytes: usize) -> Result<ImageInfo, UploadProblem> {
    decode(bytes, max_bytes).map(|(_, info)| info)
}

/// A citizen's photo as it is stored and may be shown: decoded, upright, at most
/// [`PHOTO_LONG_EDGE`] pixels on its long edge, re-encoded as JPEG without any metadata.
/// CPU-bound: call it off the async threads.
pub fn public_photo(bytes: &[u8]) -> Result<Vec<u8>, UploadProblem> {
    let (mut img, _) = decode(bytes, MAX_FILE_BYTES)?;
    if img.width().max(img.height()) > PHOTO_LONG_EDGE {
        img = img.resize(
            PHOTO_LONG_EDGE,
            PHOTO_LONG_EDGE,
            image::imageops::FilterType::Triangle,
        );
    }
    let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, PHOTO_QUALITY);
    rgb.write_with_encoder(encoder)
        .map_err(|_| UploadProblem::NotAnImage)?;
    Ok(out)
}

/// Runs a CPU-bound image job on the blocking pool.
pub async fn off_thread<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ServiceError> {
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("image job failed: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(width, height, image::Rgb([200, 30, 30]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png)
            .expect("png");
        out
    }

    /// A JPEG with an APP1 EXIF segment holding a GPS marker text after its SOI.
    fn jpeg_with_exif() -> Vec<u8> {
        let img = image::RgbImage::from_pixel(40, 30, image::Rgb([10, 120, 200]));
        let mut plain = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut plain), ImageFormat::Jpeg)
            .expect("jpeg");
        let payload = b"Exif\0\0GPSLatitude 32.99N GPSLongitude 112.53E SerialNumber X1";
        let len = u16::try_from(payload.len() + 2).expect("short");
        let mut out = plain[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(payload);
        out.extend_from_slice(&plain[2..]);
        out
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn photos_are_shrunk_and_stripped_of_metadata() {
        let out = public_photo(&png(3200, 1000)).expect("photo");
        let back = image::load_from_memory(&out).expect("decode");
        assert_eq!((back.width(), back.height()), (1600, 500));
        let with_exif = jpeg_with_exif();
        assert!(contains(&with_exif, b"GPSLatitude"));
        assert_eq!(
            check_image(&with_exif, MAX_FILE_BYTES).map(|i| i.media_type),
            Ok("image/jpeg")
        );
        let clean = public_photo(&with_exif).expect("photo");
        assert!(!contains(&clean, b"Exif"), "EXIF segment kept");
        assert!(!contains(&clean, b"GPSLatitude"), "GPS text kept");
    }

    #[test]
    fn non_images_and_broken_images_are_refused() {
        assert_eq!(check_image(b"", MAX_FILE_BYTES), Err(UploadProblem::Empty));
        assert_eq!(
            check_image(b"MZ\x90\0", MAX_FILE_BYTES),
            Err(UploadProblem::NotAnImage)
        );
        assert_eq!(
            check_image(b"<svg xmlns='http://www.w3.org/2000/svg'/>", MAX_FILE_BYTES),
            Err(UploadProblem::NotAnImage)
        );
        // The JPEG signature followed by garbage: passes a magic-byte sniff, not a decoder.
        let mut fake = vec![0xFF, 0xD8, 0xFF, 0xE0];
        fake.extend((0..=255u8).cycle().take(2048));
        assert_eq!(
            check_image(&fake, MAX_FILE_BYTES),
            Err(UploadProblem::NotAnImage)
        );
        // A PNG cut in half.
        let whole = png(64, 64);
        assert_eq!(
            check_image(&whole[..whole.len() / 2], MAX_FILE_BYTES),
            Err(UploadProblem::NotAnImage)
        );
        assert_eq!(
            check_image(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", MAX_FILE_BYTES),
            Err(UploadProblem::Undecodable)
        );
        let big = vec![0u8; MAX_FILE_BYTES + 1];
        assert_eq!(
            check_image(&big, MAX_FILE_BYTES),
            Err(UploadProblem::TooLarge {
                max_bytes: MAX_FILE_BYTES
            })
        );
    }

    /// A PNG whose header claims 60,000 × 60,000 pixels (3.6 gigapixels) in a few hundred
    /// bytes of compressed zeros is refused from its header, before any allocation.
    #[test]
    fn decompression_bombs_are_refused_from_their_header() {
        let bomb = png_header_only(60_000, 60_000);
        assert!(bomb.len() < 1024);
        assert!(matches!(
            check_image(&bomb, MAX_FILE_BYTES),
            Err(UploadProblem::TooManyPixels { .. })
        ));
        // Within each side's limit but over the total.
        let wide = png_header_only(11_000, 11_000);
        assert_eq!(
            check_image(&wide, MAX_FILE_BYTES),
            Err(UploadProblem::TooManyPixels {
                width: 11_000,
                height: 11_000
            })
        );
        let message = UploadProblem::TooManyPixels {
            width: 11_000,
            height: 11_000,
        }
        .message("照片“bomb.png”");
        assert!(message.contains("11000×11000像素"), "{message}");
    }

    /// A PNG signature and IHDR for `width` × `height` RGB, an IDAT of a little deflated data
    /// and IEND (the CRCs are right, the pixel data is not all there).
    fn png_header_only(width: u32, height: u32) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
            out.extend_from_slice(&u32::try_from(data.len()).expect("len").to_be_bytes());
            let mut crc_input = kind.to_vec();
            crc_input.extend_from_slice(data);
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
        }
        fn crc32(bytes: &[u8]) -> u32 {
            let mut crc = 0xFFFF_FFFFu32;
            for &b in bytes {
                crc ^= u32::from(b);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 {
                        (crc >> 1) ^ 0xEDB8_8320
                    } else {
                        crc >> 1
                    };
                }
            }
            !crc
        }
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = width.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        chunk(&mut out, b"IHDR", &ihdr);
        // zlib stream of a few zero bytes (stored block).
        chunk(
            &mut out,
            b"IDAT",
            &[
                0x78, 0x01, 0x01, 0x04, 0x00, 0xFB, 0xFF, 0, 0, 0, 0, 0, 0, 0, 1,
            ],
        );
        chunk(&mut out, b"IEND", &[]);
        out
    }
}
