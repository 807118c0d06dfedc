import Testing
@testable import PortalKit

@Suite("Random tokens: the length asked for, different every time")
struct RandomTokenTests {
    @Test("any number of bytes, including ones that are not a multiple of eight", arguments: [0, 1, 7, 8, 9, 16, 31, 32, 33])
    func byteCounts(_ count: Int) {
        let first = RandomToken.bytes(count)
        #expect(first.count == count)
        if count >= 8 {
            #expect(first != RandomToken.bytes(count))
        }
    }

    @Test("every byte position takes many values (no position stuck, e.g. at the tail of the last draw)")
    func spread() {
        let samples = (0..<256).map { _ in RandomToken.bytes(13) }
        for position in 0..<13 {
            #expect(Set(samples.map { $0[position] }).count > 100)
        }
    }

    @Test("16 random bytes are 22 base64url characters, and unique")
    func shortTokens() {
        let tokens = (0..<1000).map { _ in RandomToken.base64URL(byteCount: 16) }
        #expect(tokens.allSatisfy { $0.utf8.count == 22 && $0.utf8.allSatisfy(RandomToken.isBase64URL) })
        #expect(Set(tokens).count == 1000)
    }
}
