import Foundation
import MemwallCLI

exit(MemwallMain.run(Array(CommandLine.arguments.dropFirst())))
