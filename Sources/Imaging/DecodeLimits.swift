/// Sizes a decoder refuses before allocating anything: a corrupt or hostile header can claim any size (a JPEG
/// saying 65535x65535 is 12 GB of samples from a file of a few hundred bytes), and an allocation that fails
/// ends the process instead of giving an error.
enum DecodeLimits {
    /// 2^28 samples (width x height x channels; 1 GiB as Float32), e.g. 8192x8192x4: far above any survey
    /// cutout (SDSS frames are 2048x1489) and small enough to allocate.
    static let maximumSamples = 1 << 28

    /// Throws `unsupported` when `width x height x channels` is over the limit (or overflows).
    static func check(width: Int, height: Int, channels: Int, name: String, format: String) throws {
        let (plane, o1) = width.multipliedReportingOverflow(by: height)
        let (samples, o2) = plane.multipliedReportingOverflow(by: channels)
        guard !o1, !o2, samples <= maximumSamples else {
            throw ImageError(.unsupported, name, "\(format) header claims \(width)x\(height)x\(channels) samples, more than "
                             + "the \(maximumSamples) a decoder accepts (a corrupt header?)")
        }
    }
}
