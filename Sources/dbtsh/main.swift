import ArgumentParser
import Foundation

DbtshCommand.main()
