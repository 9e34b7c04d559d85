import CPNG
import Foundation
import Testing
@testable import Imaging

@Suite struct PaletteTests {
    /// A colour-mapped (palette) PNG written with libpng's simplified API decodes to the palette's RGB values.
    @Test func palettePNGExpandsToRGB() throws {
        let palette: [UInt8] = [255, 0, 0, 0, 128, 0, 10, 20, 30]  // three RGB entries
        let indices: [UInt8] = [0, 1, 2, 2, 1, 0]                  // a 3x2 image
        var png = png_image()
        png.version = UInt32(PNG_IMAGE_VERSION)
        png.width = 3
        png.height = 2
        png.format = UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_COLORMAP)
        png.colormap_entries = 3
        var size: png_alloc_size_t = 0
        _ = png_image_write_to_memory(&png, nil, &size, 0, indices, 0, palette)
        var bytes = [UInt8](repeating: 0, count: Int(size))
        let ok = png_image_write_to_memory(&png, &bytes, &size, 0, indices, 0, palette)
        try #require(ok != 0 && size > 0, "libpng could not write the palette test file")
        let image = try Image(decoding: Data(bytes.prefix(Int(size))), name: "palette.png")
        #expect(image.channels == 3 && image.width == 3 && image.height == 2)
        for (i, index) in indices.enumerated() {
            for c in 0..<3 {
                #expect(image[c, i / 3, i % 3] == Float(palette[Int(index) * 3 + c]) / 255)
            }
        }
    }
}
