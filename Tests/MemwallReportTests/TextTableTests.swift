import MemwallReport
import Testing

@Suite struct TextTableTests {
    @Test func columnsAlignAndNumbersAlignRight() {
        var table = TextTable(header: ["op", "time"], rightAligned: [1])
        table.append(["q_proj", "1.2 ms"])
        table.append(["a", "10 us"])
        let lines = table.render().split(separator: "\n").map(String.init)
        #expect(lines == ["op        time", "------  ------", "q_proj  1.2 ms", "a        10 us"])
    }
}
