import Foundation
import Hummingbird
import Store

/// Builds Twilio's paging envelope for one page of a list: `page`, `page_size`, `start`,
/// `end`, `uri` and the first/previous/next/last page links (null when there is none), plus
/// Restcomm's `num_pages` and `total`. Links keep the request's filters.
struct ListPage {
    /// The list's path below the root, without `.json` (e.g. `/Accounts/AC…/Applications`).
    let path: String
    /// The JSON key of the items (`applications`) and the XML element names.
    let key: String
    let listElement: String
    let itemElement: String

    func value<Item>(
        _ result: PageResult<Item>, filters: [(String, String)], context: ParleyRequestContext,
        item: (Item) -> ResourceValue
    ) -> ResourceValue {
        let request = result.request
        let count = result.items.count
        func link(_ page: Int) -> ResourceValue {
            var query = filters.map { "\($0.0)=\(Self.encode($0.1))" }
            query.append("PageSize=\(request.size)")
            query.append("Page=\(page)")
            return .string(context.root.path + path + ".json?" + query.joined(separator: "&"))
        }
        let hasNext = request.offset + count < result.total
        let paging: [ResourceValue.Field] = [
            .init("page", .integer(request.page)),
            .init("num_pages", .integer(result.lastPage + 1)),
            .init("page_size", .integer(request.size)),
            .init("total", .integer(result.total)),
            .init("start", .integer(request.offset)),
            .init("end", .integer(max(request.offset, request.offset + count - 1))),
            .init("uri", link(request.page)),
            .init("first_page_uri", link(0)),
            .init("previous_page_uri", request.page > 0 ? link(request.page - 1) : .null),
            .init("next_page_uri", hasNext ? link(request.page + 1) : .null),
            .init("last_page_uri", link(result.lastPage)),
        ]
        return .page(
            key: key, element: itemElement, paging: paging, items: result.items.map(item))
    }

    func response<Item>(
        _ result: PageResult<Item>, filters: [(String, String)], context: ParleyRequestContext,
        item: (Item) -> ResourceValue
    ) -> Response {
        ResourceResponse.make(
            value(result, filters: filters, context: context, item: item), element: listElement,
            context: context)
    }

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}
